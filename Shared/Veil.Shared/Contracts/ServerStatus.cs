namespace Veil.Shared.Contracts;

/// <summary>A server's status, in nova's words.</summary>
public enum ServerStatus
{
    Build,
    Active,
    Error,
    Deleting,
    Deleted,
}
