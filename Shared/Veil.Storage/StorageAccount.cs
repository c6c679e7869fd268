using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Veil.Storage;

/// <summary>
/// The storage account's queues, tables and blob containers, each created once on first use. One instance per
/// process; the Azure SDK clients it hands out are thread-safe. A creation that failed (storage was away) is not
/// remembered: the next use tries again.
/// </summary>
public sealed class StorageAccount
{
    private readonly QueueServiceClient queues;
    private readonly TableServiceClient tables;
    private readonly BlobServiceClient blobs;
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> knownQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> knownTables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> knownContainers = new(StringComparer.Ordinal);

    public StorageAccount(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        queues = new QueueServiceClient(connectionString, StorageRequests.QueueOptions());
        tables = new TableServiceClient(connectionString, StorageRequests.TableOptions());
        blobs = new BlobServiceClient(connectionString, StorageRequests.BlobOptions());
    }

    /// <summary>The table service's address (a host's signatures are tried against it in tests: they must not open it).</summary>
    public Uri TableEndpoint => tables.Uri;

    /// <summary>A queue, created if it does not exist yet. Queue names follow <see cref="StorageNames.IsValidQueueName"/>.</summary>
    public Task<QueueClient> QueueAsync(string name) => Once(knownQueues, name, async n =>
    {
        var queue = queues.GetQueueClient(StorageNames.RequireQueueName(n));
        await queue.CreateIfNotExistsAsync();
        return queue;
    });

    public Task<TableClient> TableAsync(string name) => Once(knownTables, name, async n =>
    {
        var table = tables.GetTableClient(n);
        await table.CreateIfNotExistsAsync();
        return table;
    });

    public Task<BlobContainerClient> ContainerAsync(string name) => Once(knownContainers, name, async n =>
    {
        var container = blobs.GetBlobContainerClient(n);
        await container.CreateIfNotExistsAsync();
        return container;
    });

    /// <summary>A container's client, for reading what may be there: nothing is created (a missing container reads as 404).</summary>
    public BlobContainerClient ExistingContainer(string name) => blobs.GetBlobContainerClient(name);

    /// <summary>The client for <paramref name="name"/>, created once; a failed creation is forgotten so that the next call retries it.</summary>
    private static async Task<T> Once<T>(ConcurrentDictionary<string, Lazy<Task<T>>> known, string name, Func<string, Task<T>> create)
    {
        var entry = known.GetOrAdd(name, n => new Lazy<Task<T>>(() => create(n)));
        try
        {
            return await entry.Value;
        }
        catch
        {
            known.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, entry));
            throw;
        }
    }
}
