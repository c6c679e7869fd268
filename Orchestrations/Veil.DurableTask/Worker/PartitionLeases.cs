using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace Veil.DurableTask.Worker;

/// <summary>
/// Which partitions this worker owns: one blob lease per partition in <c>&lt;hub&gt;-leases</c>. Every third of the
/// lease duration the worker renews what it holds, writes its heartbeat to the Workers table, and aims for its fair
/// share (partitions ÷ live workers, rounded up): it takes free or expired leases up to that share and hands back
/// leases above it, so a new worker gets work and a dead worker's partitions move once its leases expire.
/// </summary>
internal sealed partial class PartitionLeases(WorkerServices w, string workerId, Func<int, Task> acquired, Func<int, Task> lost)
{
    private readonly string leaseId = Guid.NewGuid().ToString();
    private readonly HashSet<int> owned = [];
    private readonly ILogger logger = w.Loggers.CreateLogger<PartitionLeases>();

    public IReadOnlyCollection<int> Owned
    {
        get
        {
            lock (owned)
            {
                return [.. owned];
            }
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var container = await w.Hub.LeasesAsync();
        for (var p = 0; p < w.Hub.PartitionCount; p++)
        {
            var blob = container.GetBlobClient($"partition-{p:00}");
            if (!(await blob.ExistsAsync(stoppingToken)).Value)
            {
                try
                {
                    await blob.UploadAsync(BinaryData.FromString(""), overwrite: false, stoppingToken);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                }
            }
        }

        var period = w.Options.LeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BalanceAsync(stoppingToken);
            }
            catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
            {
                LogLeaseRoundFailed(logger, e);
            }

            try
            {
                await Task.Delay(period, w.Time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Stops every owned partition and releases its lease, so other workers take over at once.</summary>
    public async Task ReleaseAllAsync()
    {
        var container = await w.Hub.LeasesAsync();
        foreach (var partition in Owned)
        {
            await lost(partition);
            await ReleaseAsync(container.GetBlobClient($"partition-{partition:00}").GetBlobLeaseClient(leaseId), partition);
        }

        var workers = await w.Hub.WorkersTableAsync();
        await workers.DeleteEntityAsync("worker", workerId, ETag.All);
    }

    private async Task BalanceAsync(CancellationToken stoppingToken)
    {
        var now = w.Time.GetUtcNow();
        var workers = await w.Hub.WorkersTableAsync();
        await workers.UpsertEntityAsync(new TableEntity("worker", workerId) { ["LastSeen"] = now }, TableUpdateMode.Replace, stoppingToken);
        var live = 0;
        await foreach (var row in workers.QueryAsync<TableEntity>(e => e.PartitionKey == "worker", cancellationToken: stoppingToken))
        {
            if (row.GetDateTimeOffset("LastSeen") > now - w.Options.LeaseDuration)
            {
                live++;
            }
        }

        var share = (int)Math.Ceiling(w.Hub.PartitionCount / (double)Math.Max(1, live));
        var container = await w.Hub.LeasesAsync();
        foreach (var partition in Owned)
        {
            var lease = container.GetBlobClient($"partition-{partition:00}").GetBlobLeaseClient(leaseId);
            try
            {
                await lease.RenewAsync(cancellationToken: stoppingToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                LogLost(logger, partition);
                lock (owned)
                {
                    owned.Remove(partition);
                }

                await lost(partition);
            }
        }

        for (var p = 0; p < w.Hub.PartitionCount && Owned.Count < share; p++)
        {
            if (Owned.Contains(p))
            {
                continue;
            }

            var lease = container.GetBlobClient($"partition-{p:00}").GetBlobLeaseClient(leaseId);
            try
            {
                await lease.AcquireAsync(w.Options.LeaseDuration, cancellationToken: stoppingToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                continue;
            }

            lock (owned)
            {
                owned.Add(p);
            }

            LogAcquired(logger, p, workerId);
            await acquired(p);
        }

        foreach (var extra in Owned.OrderDescending().Take(Math.Max(0, Owned.Count - share)))
        {
            lock (owned)
            {
                owned.Remove(extra);
            }

            await lost(extra);
            await ReleaseAsync(container.GetBlobClient($"partition-{extra:00}").GetBlobLeaseClient(leaseId), extra);
        }
    }

    private async Task ReleaseAsync(BlobLeaseClient lease, int partition)
    {
        try
        {
            await lease.ReleaseAsync();
            LogReleased(logger, partition, workerId);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
        }

        lock (owned)
        {
            owned.Remove(partition);
        }
    }

    [LoggerMessage(3300, LogLevel.Information, "Partition {Partition} acquired by worker {WorkerId}")]
    private static partial void LogAcquired(ILogger logger, int partition, string workerId);

    [LoggerMessage(3301, LogLevel.Information, "Partition {Partition} released by worker {WorkerId}")]
    private static partial void LogReleased(ILogger logger, int partition, string workerId);

    [LoggerMessage(3302, LogLevel.Warning, "Partition {Partition} lost: its lease could not be renewed")]
    private static partial void LogLost(ILogger logger, int partition);

    [LoggerMessage(3303, LogLevel.Warning, "A lease round failed; trying again next round")]
    private static partial void LogLeaseRoundFailed(ILogger logger, Exception exception);
}
