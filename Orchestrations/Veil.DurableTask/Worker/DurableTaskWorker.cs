using Microsoft.Extensions.Hosting;
using Veil.DurableTask.AzureStorage;

namespace Veil.DurableTask.Worker;

/// <summary>
/// The engine's worker for the Generic Host: takes its share of partitions by lease, runs their orchestrations and
/// any activities. Several workers (in one process or many) share a task hub safely.
/// </summary>
internal sealed class DurableTaskWorker(WorkerServices w, LocalSignals signals) : BackgroundService
{
    private readonly string workerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public string WorkerId => workerId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activities = new ActivityRunner(w);
        using var episodeSlots = new SemaphoreSlim(w.Options.MaxConcurrentOrchestrations);
        w.Activities = activities;
        signals.OnActivities(activities.Wake);
        var leases = new PartitionLeases(w, workerId, p => StartPartitionAsync(p, episodeSlots), StopPartitionAsync);
        using var activitiesStop = new CancellationTokenSource();
        var running = activities.RunAsync(activitiesStop.Token);
        try
        {
            await leases.RunAsync(stoppingToken);
        }
        finally
        {
            await leases.ReleaseAllAsync();
            await activitiesStop.CancelAsync();
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task StartPartitionAsync(int partition, SemaphoreSlim episodeSlots)
    {
        var processor = new PartitionProcessor(partition, w, episodeSlots);
        lock (w.Owned)
        {
            w.Owned[partition] = processor;
        }

        signals.OnPartition(partition, processor.Wake);
        await processor.StartAsync();
    }

    private async Task StopPartitionAsync(int partition)
    {
        PartitionProcessor? processor;
        lock (w.Owned)
        {
            w.Owned.Remove(partition, out processor);
        }

        signals.RemovePartition(partition);
        if (processor is not null)
        {
            await processor.StopAsync();
            processor.Dispose();
        }
    }
}
