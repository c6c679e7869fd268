namespace Veil.Shared.Contracts;

/// <summary>A server's status, in nova's words.</summary>
public enum ServerStatus
{
    Build,
    Active,

    /// <summary>Powered off by its owner; it keeps its host, disk and ASID slot (nova's SHUTOFF).</summary>
    Shutoff,
    Error,
    Deleting,
    Deleted,
}
