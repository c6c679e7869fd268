using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;

namespace Veil.Orchestrations.Boot;

/// <summary>Input of <see cref="BootServer"/>.</summary>
public sealed record BootServerInput(string ProjectId, GuestSpec Guest);

/// <summary>Input of <see cref="DeleteServer"/>.</summary>
public sealed record DeleteServerInput(string ProjectId, Guid ServerId);

/// <summary>Placement's answer for one boot: hosts to try in order, and why the others were left out.</summary>
public sealed record PlacementOutcome(IReadOnlyList<PlacementCandidate> Candidates, string Explanation, MemoryEncryptionModel? Model);

/// <summary>Claim a slot on a host's provider for a server.</summary>
public sealed record ClaimRequest(string HostName, string ProviderName, AsidRange Asids, Guid ServerId);

/// <summary>Put a command on a host's queue.</summary>
public sealed record HostCommandRequest(string HostName, HostCommand Command);

/// <summary>A change to a server's record; null fields stay as they are.</summary>
public sealed record ServerUpdate(string ProjectId, Guid ServerId)
{
    public ServerStatus? Status { get; init; }

    public string? Step { get; init; }

    public string? HostName { get; init; }

    public string? ProviderName { get; init; }

    public int? AsidSlot { get; init; }

    public string? Fault { get; init; }

    public string? DomainXml { get; init; }

    public string? Placement { get; init; }

    public bool ClearPlacement { get; init; }

    /// <summary>
    /// Written by <see cref="DeleteServer"/>. Once a server is DELETING only its delete changes its status: a boot
    /// still running records where it got to (host, slot), not ACTIVE or ERROR.
    /// </summary>
    public bool ByDelete { get; init; }
}

/// <summary>The event name under which a host's outcome reaches the orchestration that sent the command.</summary>
public static class BootEvents
{
    public const string HostResult = "HostResult";
}
