using Veil.Shared.MemoryEncryption;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;

namespace Veil.Shared.Api;

/// <summary>
/// A server as Veil records it and shows it to admins. A tenant is shown <see cref="ForTenant"/>: their guest, not
/// the fleet — no host, provider, slot, placement account, domain XML, orchestration or trace ids, and the fault in
/// their own terms.
/// </summary>
public sealed record ServerRecord
{
    public required Guid ServerId { get; init; }

    public required string ProjectId { get; init; }

    public required string Name { get; init; }

    public required string FlavorName { get; init; }

    /// <summary>The flavor's vCPUs and RAM when it was launched: what the server counts against its project's quota.</summary>
    public int VCpus { get; init; }

    /// <summary>See <see cref="VCpus"/>.</summary>
    public int MemoryMiB { get; init; }

    public string ImageId { get; init; } = "";

    /// <summary>The key pair it was launched with (nova's <c>key_name</c>).</summary>
    public string? KeyName { get; init; }

    /// <summary>Whether it has a config drive (with its metadata, key and user data).</summary>
    public bool ConfigDrive { get; init; }

    public ServerStatus Status { get; init; } = ServerStatus.Build;

    /// <summary>What the boot or delete is doing now.</summary>
    public ServerStep? Step { get; init; }

    public MemoryEncryptionModel? Model { get; init; }

    public string? HostName { get; init; }

    public string? ProviderName { get; init; }

    public int? AsidSlot { get; init; }

    /// <summary>Why the server is in ERROR (or its last action failed), with the placement explanation: for operators.</summary>
    public string? Fault { get; init; }

    /// <summary>The same, in the tenant's terms: what kind of host was missing and what they can do, naming no host.</summary>
    public string? TenantFault { get; init; }

    /// <summary>The launch security libvirt holds for it (type and policy), once ACTIVE with an encrypted model.</summary>
    public LaunchSecurityView? LaunchSecurity { get; init; }

    /// <summary>An SEV-SNP server's expected launch measurement and its inputs, as its host computed them: what the tenant checks a report against.</summary>
    public Attestation.ExpectedMeasurement? Attestation { get; init; }

    /// <summary>Placement's account of the boot in one sentence: the host it ended on, the hosts tried before, why the
    /// other hosts were left out (the first few named, the rest counted).</summary>
    public string? Placement { get; init; }

    /// <summary>
    /// The whole account as data, for a table grouped by reason: given to an admin who asks for one server. It is kept
    /// beside the record (it grows with the fleet), never in it; null on servers recorded before Veil kept it.
    /// </summary>
    public PlacementAccount? PlacementAccount { get; init; }

    /// <summary>The domain XML libvirt holds for it.</summary>
    public string? DomainXml { get; init; }

    public string? BootInstanceId { get; init; }

    /// <summary>The W3C trace id of its launch (the request, its boot orchestration, the host's work), when Veil
    /// exports telemetry: an operator's dashboard shows that trace. For operators, like the orchestration ids.</summary>
    public string? TraceId { get; init; }

    /// <summary>The delete orchestration that owns this server once it is DELETING; a boot still running tells it when it ends.</summary>
    public string? DeleteInstanceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Once DELETING (or DELETED) only the delete changes a server's status and step.</summary>
    public bool IsBeingDeleted => Status is ServerStatus.Deleting or ServerStatus.Deleted;

    /// <summary>
    /// A boot's progress: the step, and what it now holds (host, provider, slot), which is recorded even while the
    /// server is being deleted, so the delete knows what to destroy and release.
    /// </summary>
    public ServerRecord WithBootProgress(ServerStep step, string? hostName = null, string? providerName = null, int? asidSlot = null) => this with
    {
        Step = IsBeingDeleted ? Step : step,
        HostName = hostName ?? HostName,
        ProviderName = providerName ?? ProviderName,
        AsidSlot = asidSlot ?? AsidSlot,
    };

    /// <summary>
    /// How the boot ended: ACTIVE with the domain libvirt holds, or ERROR with why (and nothing held), and placement's
    /// sentence as it ended (<paramref name="placement"/>, when there is one). Ignored once being deleted.
    /// </summary>
    public ServerRecord WithBootOutcome(ServerStatus status, string? fault, string? domainXml, string? tenantFault = null, string? placement = null, Attestation.ExpectedMeasurement? attestation = null)
    {
        if (IsBeingDeleted)
        {
            return this;
        }

        var placed = this with { Placement = placement ?? Placement };
        return status switch
        {
            ServerStatus.Active => placed with
            {
                Status = status, Step = ServerStep.Active, DomainXml = domainXml ?? DomainXml, Fault = null, TenantFault = null,
                LaunchSecurity = LaunchSecurityView.FromDomainXml(domainXml ?? DomainXml),
                Attestation = attestation ?? Attestation,
            },
            ServerStatus.Error => placed with { Status = status, Step = ServerStep.Error, Fault = fault, TenantFault = tenantFault, HostName = null, ProviderName = null, AsidSlot = null },
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A boot ends ACTIVE or ERROR."),
        };
    }

    /// <summary>A delete has been asked for: from now on only <paramref name="deleteInstanceId"/> changes the status.
    /// A server already being deleted (or deleted) keeps the delete it has: asking again changes nothing.</summary>
    public ServerRecord WithDeleteRequested(string deleteInstanceId) => IsBeingDeleted ? this : this with
    {
        Status = ServerStatus.Deleting,
        Step = ServerStep.Deleting,
        DeleteInstanceId = deleteInstanceId,
    };

    /// <summary>A power action is running (only when no other one is and the server is not being deleted).</summary>
    public bool IsChangingPower => Step is ServerStep.Stopping or ServerStep.Starting or ServerStep.Rebooting;

    /// <summary>A power action has been asked for; ignored once being deleted.</summary>
    public ServerRecord WithPowerRequested(ServerStep step) => IsBeingDeleted ? this : this with { Step = step };

    /// <summary>How a power action ended: ACTIVE or SHUTOFF as the domain now is, with why it failed if it did (the
    /// server stays as it was). Ignored once being deleted.</summary>
    public ServerRecord WithPowerOutcome(ServerStatus status, string? fault, string? tenantFault = null) => IsBeingDeleted ? this : status switch
    {
        ServerStatus.Active => this with { Status = status, Step = ServerStep.Active, Fault = fault, TenantFault = tenantFault },
        ServerStatus.Shutoff => this with { Status = status, Step = ServerStep.Shutoff, Fault = fault, TenantFault = tenantFault },
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A power action ends ACTIVE or SHUTOFF."),
    };

    /// <summary>The reconciler hands a delete that never ran (or ended unfinished) to a new one; only while DELETING.</summary>
    public ServerRecord WithDeleteReplaced(string deleteInstanceId) =>
        Status == ServerStatus.Deleting ? this with { DeleteInstanceId = deleteInstanceId } : this;

    /// <summary>How the delete ended: DELETED (nothing held any more) or ERROR with why.</summary>
    public ServerRecord WithDeleteOutcome(ServerStatus status, string? fault, string? tenantFault = null) => status switch
    {
        ServerStatus.Deleted => this with { Status = status, Step = ServerStep.Deleted, HostName = null, ProviderName = null, AsidSlot = null },
        ServerStatus.Error => this with { Status = status, Step = ServerStep.Error, Fault = fault, TenantFault = tenantFault },
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A delete ends DELETED or ERROR."),
    };

    /// <summary>
    /// What the server's tenant is shown. A fault recorded without a tenant's version (by the reconciler, or before
    /// Veil kept one) is shown as a plain statement that it failed, never with the operator's details.
    /// </summary>
    public ServerRecord ForTenant() => this with
    {
        HostName = null,
        ProviderName = null,
        AsidSlot = null,
        Placement = null,
        PlacementAccount = null,
        DomainXml = null,
        BootInstanceId = null,
        DeleteInstanceId = null,
        TraceId = null,
        Fault = TenantFault ?? (Fault is null ? null : "The server failed; an administrator can see why."),
        TenantFault = null,
    };
}

/// <summary>A domain's launch security as libvirt holds it: <c>sev</c> or <c>sev-snp</c>, and its policy.</summary>
public sealed record LaunchSecurityView(string Type, string? Policy)
{
    public static LaunchSecurityView? FromDomainXml(string? domainXml) =>
        Hosts.DefinedGuest.FromDomainXml(domainXml) is { LaunchSecurityType: { } type } defined ? new LaunchSecurityView(type, defined.Policy) : null;
}
