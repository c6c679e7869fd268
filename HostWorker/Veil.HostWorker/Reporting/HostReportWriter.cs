using Veil.HostWorker.Credentials;
using Veil.Shared.Contracts;

namespace Veil.HostWorker.Reporting;

/// <summary>
/// Publishes this host's state: its report and heartbeat as signed messages (the Orchestrations side writes them to
/// the hosts table placement reads), and its list of domains in its own container.
/// </summary>
public sealed class HostReportWriter(HostStorage storage, Microsoft.Extensions.Options.IOptions<HostWorkerOptions> options)
{
    /// <summary>A heartbeat is worth nothing once newer ones exist: one left unread (Orchestrations away) expires
    /// instead of piling up and, read late, making the host look older than it is.</summary>
    private TimeSpan HeartbeatLife => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 3 * options.Value.HeartbeatInterval.Ticks));

    public Task PublishAsync(HostReport report, CancellationToken cancellationToken) =>
        storage.SendAsync(HostMessageKind.Report, report, cancellationToken);

    public Task HeartbeatAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        storage.SendAsync(HostMessageKind.Heartbeat, new HostHeartbeat(at), cancellationToken, HeartbeatLife);

    public async Task PublishDomainsAsync(HostDomains domains, CancellationToken cancellationToken) =>
        await storage.Container.GetBlobClient(HostQueues.DomainsBlob).UploadAsync(BinaryData.FromObjectAsJson(domains, VeilJson.Options), overwrite: true, cancellationToken);
}
