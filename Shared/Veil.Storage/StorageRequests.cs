using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Veil.Storage;

/// <summary>
/// Counts this process's requests to the storage account, by service, for the benchmarks' "storage operations per
/// boot". Every Azure SDK client Veil makes — its own and the Durable Task Framework's — is created with these
/// options, so the count covers both. A counter is an interlocked increment per request: always on.
/// </summary>
public static class StorageRequests
{
    private static long queue;
    private static long table;
    private static long blob;

    /// <summary>Requests sent so far by this process: queue, table, blob.</summary>
    public static (long Queue, long Table, long Blob) Snapshot() =>
        (Interlocked.Read(ref queue), Interlocked.Read(ref table), Interlocked.Read(ref blob));

    public static QueueClientOptions QueueOptions() => Counted(new QueueClientOptions(), () => Interlocked.Increment(ref queue));

    public static TableClientOptions TableOptions() => Counted(new TableClientOptions(), () => Interlocked.Increment(ref table));

    public static BlobClientOptions BlobOptions() => Counted(new BlobClientOptions(), () => Interlocked.Increment(ref blob));

    private static T Counted<T>(T options, Action count)
        where T : ClientOptions
    {
        options.AddPolicy(new CountingPolicy(count), HttpPipelinePosition.PerRetry);
        return options;
    }

    private sealed class CountingPolicy(Action count) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => count();
    }
}
