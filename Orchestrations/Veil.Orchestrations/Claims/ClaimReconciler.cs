using Azure;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Veil.TaskHub.Client;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Hosts;
using Veil.Orchestrations.Servers;
using Veil.Orchestrations.Telemetry;
using Veil.ServiceDefaults;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Leases;

namespace Veil.Orchestrations.Claims;

/// <summary>
/// What one reconciliation did (<paramref name="Released"/>: repairs) and what it found but left to an operator
/// (<paramref name="Findings"/>: domains it cannot tell are safe to remove).
/// </summary>
public sealed record ReconciliationReport(DateTimeOffset At, int Claims, IReadOnlyList<string> Released, IReadOnlyList<string> Findings);

/// <summary>
/// Compares the ASID ledger with the servers and with the domains each host reports, and repairs leaks: a claim
/// older than the grace period whose server is gone, in ERROR or DELETED, and whose host (reporting freshly) has no
/// domain for it, is released. Reported, not touched: encrypted domains with no claim, a server with domains on two
/// hosts, a domain whose server is gone (no record, or DELETED), and an ACTIVE or SHUTOFF server whose host has no
/// domain for it.
/// </summary>
public sealed class ClaimReconciler(AsidLedger ledger, ServerStore servers, HostRegistry registry, StorageAccount storage, DurableTaskClient client, IOptions<BootOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>How long after its record a boot without an instance row is still taken to be on its way.</summary>
    public static readonly TimeSpan ScheduleSettle = TimeSpan.FromSeconds(30);

    /// <summary>The container and blob whose lease is the reconciler's turn: one process at a time repairs.</summary>
    public const string LeaseContainer = "veil-leases";

    public const string LeaseBlob = "reconciler";

    /// <summary>How long a turn lasts unless renewed: a process that dies holding it gives it up within this.</summary>
    public static readonly TimeSpan TurnDuration = TimeSpan.FromSeconds(60);

    private readonly Guid holderId = Guid.NewGuid();

    // Within a process, one round at a time too (the service's and an admin's asked-for one share the lease).
    private readonly SemaphoreSlim oneRound = new(1, 1);

    public ReconciliationReport? Last { get; private set; }

    /// <summary>
    /// One round, if this process gets the turn within <paramref name="wait"/>: null when another Orchestrations
    /// process holds the reconciler's lease all that time (it is reconciling). Losing the lease stops the round.
    /// </summary>
    public async Task<ReconciliationReport?> TryReconcileAsync(TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        await oneRound.WaitAsync(cancellationToken);
        try
        {
            var blob = (await storage.ContainerAsync(LeaseContainer)).GetBlobClient(LeaseBlob);
            var until = time.GetUtcNow() + wait;
            var turn = await BlobLease.TryAcquireAsync(blob, holderId, TurnDuration, time, cancellationToken);
            while (turn is null && time.GetUtcNow() < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
                turn = await BlobLease.TryAcquireAsync(blob, holderId, TurnDuration, time, cancellationToken);
            }

            if (turn is null)
            {
                return null;
            }

            await using (turn)
            {
                using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, turn.Lost);
                return await ReconcileAsync(both.Token);
            }
        }
        finally
        {
            oneRound.Release();
        }
    }

    public void Dispose() => oneRound.Dispose();

    /// <summary>One round, whether or not this process has the turn (<see cref="TryReconcileAsync"/> is what the service runs).</summary>
    public async Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var released = new List<string>();
        var byServer = (await servers.ListAsync(null, cancellationToken)).ToDictionary(s => s.ServerId);

        // A boot that ended without finishing its server (terminated by an admin, or failed in the engine) leaves the
        // server in BUILD, and so does an API process that died between recording the server and scheduling its
        // boot: say so on the server, so its slot (if any) can be released below.
        foreach (var stuck in byServer.Values.Where(s => s.Status == ServerStatus.Build && s.BootInstanceId is not null && now - s.UpdatedAt > options.Value.ReconcileGrace).ToList())
        {
            var boot = await client.GetInstanceAsync(stuck.BootInstanceId!, getInputsAndOutputs: false, cancellationToken);
            var fault = boot switch
            {
                // Scheduling sends the start message before it writes the instance row: a boot scheduled a moment
                // ago can have no row yet, whatever the grace period is set to.
                null when now - stuck.UpdatedAt < ScheduleSettle => null,
                null => $"The boot orchestration {stuck.BootInstanceId} was never scheduled (the API stopped between recording the server and scheduling its boot).",
                { IsCompleted: true } ended => $"The boot orchestration {ended.InstanceId} ended {ended.RuntimeStatus.ToString().ToUpperInvariant()} before the server became ACTIVE.",
                _ => null,
            };
            if (fault is not null)
            {
                byServer[stuck.ServerId] = await servers.UpdateAsync(stuck.ProjectId, stuck.ServerId, s => s.Status == ServerStatus.Build ? s.WithBootOutcome(ServerStatus.Error, fault, null) : s, cancellationToken) ?? stuck;
                released.Add($"server {stuck.ServerId}: {fault}");
                BootMetrics.Repaired("boot-ended-unfinished");
            }
        }

        // A delete whose orchestration was never scheduled, or ended without finishing, is scheduled again: every
        // step of DeleteServer (destroy, release, mark DELETED) may run twice.
        foreach (var deleting in byServer.Values.Where(s => s.Status == ServerStatus.Deleting && now - s.UpdatedAt > options.Value.ReconcileGrace).ToList())
        {
            var deletes = await client.QueryPageAsync(new OrchestrationQuery { InstanceIdPrefix = DeleteServer.InstanceIdPrefix(deleting.ServerId), PageSize = 100 }, cancellation: cancellationToken);
            if (deletes.Values.All(i => i.IsCompleted))
            {
                var deleteId = DeleteServer.InstanceIdFor(deleting.ServerId, now);
                await servers.UpdateAsync(deleting.ProjectId, deleting.ServerId, s => s.WithDeleteReplaced(deleteId), cancellationToken);
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(DeleteServer), new DeleteServerInput(deleting.ProjectId, deleting.ServerId, options.Value.Limits()), new StartOrchestrationOptions(deleteId), cancellationToken);
                released.Add($"server {deleting.ServerId}: its delete had not finished ({deletes.Values.Count} earlier attempt(s)); scheduled again");
                BootMetrics.Repaired("delete-rescheduled");
            }
        }

        var claims = await ledger.ListAsync(cancellationToken);
        var domains = new Dictionary<string, HostDomains>(StringComparer.Ordinal);
        foreach (var host in await registry.ListAsync(cancellationToken))
        {
            try
            {
                var container = storage.ExistingContainer(HostQueues.Container(host.Report.HostName));
                var content = await container.GetBlobClient(HostQueues.DomainsBlob).DownloadContentAsync(cancellationToken);
                // Written by the host itself: it speaks only for itself, whatever name its list gives.
                domains[host.Report.HostName] = content.Value.Content.ToObjectFromJson<HostDomains>(VeilJson.Options)! with { HostName = host.Report.HostName };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }

        foreach (var claim in claims.Where(c => c.ClaimedAt is null || now - c.ClaimedAt > options.Value.ReconcileGrace))
        {
            var server = byServer.GetValueOrDefault(claim.ServerId);
            if (server is { Status: ServerStatus.Active or ServerStatus.Shutoff or ServerStatus.Build or ServerStatus.Deleting })
            {
                continue;
            }

            if (!domains.TryGetValue(claim.HostName, out var onHost) || now - onHost.At > 2 * options.Value.HeartbeatWindow)
            {
                continue; // The host has not told us recently what it runs: do not guess.
            }

            if (onHost.Domains.Any(d => d.ServerId == claim.ServerId))
            {
                continue;
            }

            await ledger.ReleaseAsync(claim.ProviderName, claim.ServerId, cancellationToken);
            released.Add($"slot {claim.Slot} on {claim.ProviderName}: server {claim.ServerId} {(server is null ? "has no record" : $"is {server.Status.ToString().ToUpperInvariant()}")} and {claim.HostName} has no domain for it");
            BootMetrics.Repaired("slot-released");
        }

        var findings = Findings(claims, byServer, domains.Values.Where(h => now - h.At <= 2 * options.Value.HeartbeatWindow));
        Last = new ReconciliationReport(now, claims.Count, released, findings);
        return Last;
    }

    /// <summary>What the hosts run that nobody should: each line names the host, the domain and why, for an operator.</summary>
    public static IReadOnlyList<string> Findings(IReadOnlyList<AsidClaim> claims, IReadOnlyDictionary<Guid, ServerRecord> servers, IEnumerable<HostDomains> hosts)
    {
        var findings = new List<string>();
        var claimed = claims.Select(c => c.ServerId).ToHashSet();
        var listed = hosts.ToList();
        var placed = listed.SelectMany(h => h.Domains.Select(d => (h.HostName, h.At, Domain: d))).ToList();
        foreach (var (host, listedAt, domain) in placed)
        {
            var server = servers.GetValueOrDefault(domain.ServerId);
            if (server is { Status: ServerStatus.Deleted } && listedAt <= server.UpdatedAt)
            {
                continue; // A list published before the delete finished still shows the domain it destroyed.
            }

            if (server is null or { Status: ServerStatus.Deleted })
            {
                findings.Add($"{host}: domain {domain.Name} ({domain.State}) belongs to server {domain.ServerId}, which {(server is null ? "has no record" : "is DELETED")}");
                BootMetrics.Repaired("domain-without-server");
            }
            else if (domain.Model is not null && !claimed.Contains(domain.ServerId))
            {
                findings.Add($"{host}: encrypted domain {domain.Name} ({VeilJson.Word(domain.Model.Value)}) holds no ledger slot");
                BootMetrics.Repaired("unclaimed-domain");
            }
        }

        // A list published after the server's record last changed was taken after its spawn: the domain must be in it.
        foreach (var host in listed)
        {
            foreach (var lost in servers.Values.Where(s => s.Status is ServerStatus.Active or ServerStatus.Shutoff && s.HostName == host.HostName && s.UpdatedAt < host.At
                && !host.Domains.Any(d => d.ServerId == s.ServerId)))
            {
                findings.Add($"{host.HostName}: server {lost.ServerId} is {lost.Status.ToString().ToUpperInvariant()} there, but the host has no domain for it");
                BootMetrics.Repaired("server-without-domain");
            }
        }

        foreach (var twice in placed.GroupBy(p => p.Domain.ServerId).Where(g => g.Select(p => p.HostName).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            var recorded = servers.GetValueOrDefault(twice.Key)?.HostName;
            var on = string.Join(" and ", twice.Select(p => p.HostName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            findings.Add($"server {twice.Key} has domains on {on}; its record names {recorded ?? "no host"}");
            BootMetrics.Repaired("domain-on-two-hosts");
        }

        return findings;
    }
}

/// <summary>Runs the reconciler every <see cref="BootOptions.ReconcileInterval"/>.</summary>
internal sealed class ClaimReconcilerService(ClaimReconciler reconciler, IOptions<BootOptions> options, TimeProvider time, ILogger<ClaimReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Each round is a trace of its own: what it read and what it repaired.
                using var round = VeilTelemetry.StartOperation("reconcile");
                try
                {
                    var report = await reconciler.TryReconcileAsync(cancellationToken: stoppingToken);
                    if (report is null)
                    {
                        round?.SetTag("veil.turn", "another process");
                        continue;
                    }

                    round?.SetTag("veil.repairs", report.Released.Count);
                    round?.SetTag("veil.findings", report.Findings.Count);
                    foreach (var line in report.Released.Concat(report.Findings))
                    {
                        Logs.Reconciled(logger, line);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Storage away (a restart, a network cut): try again next round; never stop the host for it.
                    round.Failed(e);
                    Logs.ReconcileFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
