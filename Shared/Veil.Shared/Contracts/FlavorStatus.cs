namespace Veil.Shared.Contracts;

/// <summary>Whether a flavor may boot: proposed (pending), approved by an admin, or rejected with a reason.</summary>
public enum FlavorStatus
{
    Pending,
    Approved,
    Rejected,
}
