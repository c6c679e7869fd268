using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Veil.Storage;

namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// A task hub's storage: control queues <c>&lt;hub&gt;-control-NN</c> (one per partition), the work-item queue
/// <c>&lt;hub&gt;-workitems</c>, tables <c>&lt;Hub&gt;History</c>, <c>&lt;Hub&gt;Instances</c> and <c>&lt;Hub&gt;Workers</c>,
/// and containers <c>&lt;hub&gt;-leases</c> and <c>&lt;hub&gt;-largemessages</c>.
/// </summary>
internal sealed class TaskHub(StorageAccount storage, DurableTaskOptions options)
{
    private readonly string lower = options.TaskHubName.ToLowerInvariant();

    public DurableTaskOptions Options => options;

    public StorageAccount Storage => storage;

    public int PartitionCount => options.PartitionCount;

    public string ControlQueueName(int partition) => $"{lower}-control-{partition:00}";

    public string WorkItemQueueName => $"{lower}-workitems";

    public Task<QueueClient> ControlQueueAsync(int partition) => storage.QueueAsync(ControlQueueName(partition));

    public Task<QueueClient> WorkItemQueueAsync() => storage.QueueAsync(WorkItemQueueName);

    public Task<TableClient> HistoryTableAsync() => storage.TableAsync(options.TaskHubName + "History");

    public Task<TableClient> InstancesTableAsync() => storage.TableAsync(options.TaskHubName + "Instances");

    public Task<TableClient> WorkersTableAsync() => storage.TableAsync(options.TaskHubName + "Workers");

    public Task<BlobContainerClient> LeasesAsync() => storage.ContainerAsync($"{lower}-leases");

    public Task<BlobContainerClient> LargeMessagesAsync() => storage.ContainerAsync($"{lower}-largemessages");

    /// <summary>The partition an instance belongs to: a stable hash (FNV-1a) of its id, the same in every process.</summary>
    public int PartitionOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(instanceId))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)options.PartitionCount);
    }
}
