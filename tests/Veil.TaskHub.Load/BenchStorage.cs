using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Veil.TaskHub.Load;

/// <summary>The benchmarks' storage account, emptied before each profile so that none runs on what an earlier one left.</summary>
public static class BenchStorage
{
    /// <summary>
    /// Deletes every queue, table and blob container in the account. Azurite's queries and receives slow down as its
    /// data grows, so the profile measured second would otherwise pay for the first one's history.
    /// </summary>
    public static async Task WipeAsync(string connectionString)
    {
        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            await queues.DeleteQueueAsync(queue.Name);
        }

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await tables.DeleteTableAsync(table.Name);
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            await blobs.DeleteBlobContainerAsync(container.Name);
        }
    }
}
