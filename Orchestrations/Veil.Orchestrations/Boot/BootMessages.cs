using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// The limits a boot or delete runs under, fixed in its input when it is scheduled: a replay (or a rewind) sees the
/// same values even if the configuration changed meanwhile, and the SDK creates orchestrators without services.
/// <see cref="HostAckTimeout"/> bounds how long a host may take to take a command, <see cref="HostResultTimeout"/>
/// how long it may then take to carry it out.
/// </summary>
public sealed record BootLimits(int MaxAttempts, TimeSpan HostAckTimeout, TimeSpan HostResultTimeout, TimeSpan BootSettleTimeout)
{
    /// <summary>
    /// For a command with nowhere else to go — a boot's last candidate, a delete or power action on the server's own
    /// host — a slow host is waited for, not given up on: failing fast would only turn a restart into an ERROR.
    /// </summary>
    public BootLimits NothingElseToTry() => this with { HostAckTimeout = HostResultTimeout };
}

/// <summary>
/// Input of <see cref="BootServer"/>; <paramref name="RequestServerIds"/> lists, in order, the servers of the
/// multi-create this one belongs to (null for a single server), so placement spreads them.
/// </summary>
public sealed record BootServerInput(string ProjectId, GuestSpec Guest, BootLimits Limits, IReadOnlyList<Guid>? RequestServerIds = null);

/// <summary>Input of <see cref="DeleteServer"/>.</summary>
public sealed record DeleteServerInput(string ProjectId, Guid ServerId, BootLimits Limits);

/// <summary>
/// Placement's answer for one boot: hosts to try in order, and why the others were left out — for operators, and,
/// when no host qualifies, in the tenant's terms (<c>TenantExplanation</c>, naming no host).
/// </summary>
public sealed record PlacementOutcome(IReadOnlyList<PlacementCandidate> Candidates, string Explanation, MemoryEncryptionModel? Model, string? TenantExplanation = null);

/// <summary>Claim a slot on a host's provider for a server.</summary>
public sealed record ClaimRequest(string HostName, string ProviderName, AsidRange Asids, Guid ServerId);

/// <summary>Ask a host to spawn the server, recording first what the boot holds (host, claim).</summary>
public sealed record SpawnRequest(string ProjectId, string HostName, AsidClaim? Claim, HostCommand Command);

/// <summary>
/// Whether the spawn command went out. It does not when the server is already being deleted: the boot then stops,
/// leaving what it recorded to the delete, and tells <see cref="DeletedBy"/> it has ended.
/// </summary>
public sealed record SpawnStarted(bool Sent, string? DeletedBy);

/// <summary>Put a command on a host's queue.</summary>
public sealed record HostCommandRequest(string HostName, HostCommand Command);

/// <summary>
/// How a boot ended, for the server's record: the fault for operators and, in its own terms, for the tenant, and the
/// host it ended on (when ACTIVE) after the hosts tried before it (for placement's account).
/// </summary>
public sealed record BootOutcome(string ProjectId, Guid ServerId, ServerStatus Status, string? Fault = null, string? DomainXml = null, string? TenantFault = null, IReadOnlyList<PlacementAttempt>? Tried = null, string? FailureCode = null, Veil.Shared.Attestation.ExpectedMeasurement? Attestation = null, string? HostName = null);

/// <summary>What a delete acts on: whether the server's boot has ended, and the server as recorded.</summary>
public sealed record DeleteSubject(bool BootEnded, ServerRecord? Server);

/// <summary>How a delete ended, for the server's record; when DELETED, every slot the server held is released first.</summary>
public sealed record DeleteOutcome(string ProjectId, Guid ServerId, ServerStatus Status, string? Fault = null, string? TenantFault = null);

/// <summary>What a boot shows as its custom status while it runs (the Portal's instance page reads it).</summary>
public sealed record BootStatus(ServerStep Step, string? Host = null, int? Slot = null, string? Fault = null);

/// <summary>The events the boot and delete orchestrations wait for.</summary>
public static class BootEvents
{
    /// <summary>A host's outcome for a command, raised on the orchestration that sent it (host-events trigger).</summary>
    public const string HostResult = "HostResult";

    /// <summary>Raised by a server's boot on the delete waiting for it, when the boot ends.</summary>
    public const string BootEnded = "BootEnded";
}

/// <summary>Input of <see cref="PowerServer"/>: stop, start or reboot the server on the host it runs on.</summary>
public sealed record PowerServerInput(string ProjectId, Guid ServerId, string HostName, Veil.Shared.Contracts.HostCommandKind Kind, BootLimits Limits);

/// <summary>How a power action ended: the status the server now has, and why it failed if it did.</summary>
public sealed record PowerOutcome(string ProjectId, Guid ServerId, Veil.Shared.Contracts.ServerStatus Status, string? Fault, string? TenantFault = null);
