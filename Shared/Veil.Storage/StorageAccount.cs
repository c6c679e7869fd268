using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Veil.Storage;

/// <summary>
/// The storage account's queues, tables and blob containers, each created once on first use. One instance per
/// process; the Azure SDK clients it hands out are thread-safe.
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

    /// <summary>A queue, created if it does not exist yet. Queue names follow <see cref="StorageNames.IsValidQueueName"/>.</summary>
    public Task<QueueClient> QueueAsync(string name) => knownQueues.GetOrAdd(name, n => new(async () =>
    {
        var queue = queues.GetQueueClient(StorageNames.RequireQueueName(n));
        await queue.CreateIfNotExistsAsync();
        return queue;
    })).Value;

    public Task<TableClient> TableAsync(string name) => knownTables.GetOrAdd(name, n => new(async () =>
    {
        var table = tables.GetTableClient(n);
        await table.CreateIfNotExistsAsync();
        return table;
    })).Value;

    public Task<BlobContainerClient> ContainerAsync(string name) => knownContainers.GetOrAdd(name, n => new(async () =>
    {
        var container = blobs.GetBlobContainerClient(n);
        await container.CreateIfNotExistsAsync();
        return container;
    })).Value;
}
