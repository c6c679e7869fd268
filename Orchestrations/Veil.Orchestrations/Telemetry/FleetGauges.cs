using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Hosts;
using Veil.ServiceDefaults;
using Veil.Shared.MemoryEncryption;
using Veil.Storage;
using Veil.Storage.Queues;

namespace Veil.Orchestrations.Telemetry;

/// <summary>
/// The fleet's state as gauges (docs/operations.md): ASID slots used and free per resource provider, depth and
/// oldest message's age of each Veil queue, parked messages, each host's heartbeat age. Read from storage every
/// <see cref="TelemetryOptions.FleetSampleInterval"/> by this service, which runs only when the process exports
/// telemetry; each Orchestrations process reports the same fleet (take the maximum across instances).
/// </summary>
internal sealed class FleetGauges : BackgroundService
{
    private readonly HostRegistry registry;
    private readonly StorageAccount storage;
    private readonly ParkedMessageStore parked;
    private readonly IOptions<BootOptions> boot;
    private readonly IOptions<TelemetryOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<FleetGauges> logger;
    private volatile Sample latest = new([], [], [], []);

    public FleetGauges(HostRegistry registry, StorageAccount storage, ParkedMessageStore parked, IOptions<BootOptions> boot, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<FleetGauges> logger)
    {
        (this.registry, this.storage, this.parked, this.boot, this.options, this.time, this.logger) = (registry, storage, parked, boot, options, time, logger);
        var meter = VeilTelemetry.Meter;
        meter.CreateObservableGauge("veil.asid.slots.used", () => latest.Providers.Select(p => Measure(p.Used, ("veil.provider", p.Name), ("veil.model", p.Model))), "{slot}", "ASID slots claimed in the ledger, per resource provider.");
        meter.CreateObservableGauge("veil.asid.slots.free", () => latest.Providers.Select(p => Measure(p.Capacity - p.Used, ("veil.provider", p.Name), ("veil.model", p.Model))), "{slot}", "ASID slots left, per resource provider (capacity less claims).");
        meter.CreateObservableGauge("veil.queue.depth", () => latest.Queues.Select(q => Measure(q.Depth, ("veil.queue", q.Name))), "{message}", "Messages waiting in a Veil queue (approximate, as storage counts them).");
        meter.CreateObservableGauge("veil.queue.oldest_message_age", () => latest.Queues.Select(q => Measure(q.OldestAgeSeconds, ("veil.queue", q.Name))), "s", "Age of the oldest visible message in a Veil queue (0 when empty).");
        meter.CreateObservableGauge("veil.parked.messages", () => latest.Parked.Select(p => Measure(p.Count, ("veil.queue", p.Queue))), "{message}", "Messages parked as unreadable, per queue they came from.");
        meter.CreateObservableGauge("veil.host.heartbeat_age", () => latest.Hosts.Select(h => Measure(h.AgeSeconds, ("veil.host", h.Name))), "s", "Time since each host's last heartbeat.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FleetSampleInterval, time);
        do
        {
            try
            {
                latest = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Storage away: the gauges keep their last values (and the heartbeat ages say how old they are).
                Logs.FleetSampleFailed(logger, e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<Sample> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hosts = await registry.ListAsync(cancellationToken);
        var providers = hosts
            .SelectMany(h => h.Report.Capabilities.Providers
                .Where(p => p.Model is not null && p.Inventories.ContainsKey(ResourceClasses.MemEncryptionContext))
                .Select(p => new ProviderSlots(p.Name, p.Model!.Value.ToName(), p.Inventories[ResourceClasses.MemEncryptionContext].Capacity, h.ClaimedByProvider.GetValueOrDefault(p.Name))))
            .ToList();
        var queues = new List<QueueSample>();
        foreach (var name in hosts.Select(h => Shared.Contracts.HostQueues.Commands(h.Report.HostName)).Prepend(boot.Value.HostEventsQueue))
        {
            var queue = await storage.QueueAsync(name);
            var properties = await queue.GetPropertiesAsync(cancellationToken);
            var oldest = (await queue.PeekMessagesAsync(1, cancellationToken)).Value.FirstOrDefault()?.InsertedOn;
            queues.Add(new QueueSample(name, properties.Value.ApproximateMessagesCount, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0));
        }

        var parkedByQueue = (await parked.ListAsync(cancellationToken: cancellationToken)).GroupBy(p => p.Queue).Select(g => new ParkedCount(g.Key, g.Count())).ToList();
        var heartbeats = hosts.Select(h => new HeartbeatAge(h.Report.HostName, Math.Max(0, (now - h.LastHeartbeat).TotalSeconds))).ToList();
        return new Sample(providers, queues, parkedByQueue, heartbeats);
    }

    private static Measurement<double> Measure(double value, params (string Key, string Value)[] tags) =>
        new(value, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)));

    private sealed record Sample(IReadOnlyList<ProviderSlots> Providers, IReadOnlyList<QueueSample> Queues, IReadOnlyList<ParkedCount> Parked, IReadOnlyList<HeartbeatAge> Hosts);

    private sealed record ProviderSlots(string Name, string Model, int Capacity, int Used);

    private sealed record QueueSample(string Name, int Depth, double OldestAgeSeconds);

    private sealed record ParkedCount(string Queue, int Count);

    private sealed record HeartbeatAge(string Name, double AgeSeconds);
}
