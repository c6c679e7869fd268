namespace Veil.Shared.Contracts;

/// <summary>Whether a host takes work.</summary>
public enum HostStatus
{
    /// <summary>Probed, validated, listening on its queue.</summary>
    Ready,

    /// <summary>Start-up validation refused to start (see <see cref="HostReport.Refusal"/>); it takes no work.</summary>
    Refused,
}
