namespace Veil.Shared.Hosts;

/// <summary>A placement inventory record. Encryption slots are whole units: min and max unit 1, no overcommit.</summary>
public sealed record Inventory(int Total, int Reserved = 0, int MinUnit = 1, int MaxUnit = 1, int StepSize = 1, double AllocationRatio = 1.0)
{
    /// <summary>What can be allocated in all: (total − reserved) × ratio.</summary>
    public int Capacity => (int)((Total - Reserved) * AllocationRatio);
}
