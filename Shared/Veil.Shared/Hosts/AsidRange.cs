namespace Veil.Shared.Hosts;

/// <summary>
/// The slots of Veil's ASID ledger for one provider, inclusive. SEV-ES/SNP use 1..maxESGuests; SEV uses the slots
/// above them. The kernel still picks the hardware ASID; the ledger is what operators see.
/// </summary>
public sealed record AsidRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public bool Contains(int slot) => slot >= First && slot <= Last;

    public override string ToString() => $"{First}..{Last}";
}
