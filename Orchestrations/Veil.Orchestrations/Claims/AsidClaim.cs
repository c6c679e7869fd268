namespace Veil.Orchestrations.Claims;

/// <summary>One ASID slot of a host's provider, held by one server.</summary>
public sealed record AsidClaim(string HostName, string ProviderName, int Slot, Guid ServerId)
{
    /// <summary>When it was claimed (null when read from an older row).</summary>
    public DateTimeOffset? ClaimedAt { get; init; }
}
