using System.Globalization;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.Storage;

namespace Veil.TaskHub.Hosting;

/// <summary>
/// This process's one <see cref="AzureStorageOrchestrationService"/>: the worker runs on it and the client talks
/// through it (it implements DTFx's client, query and purge interfaces too). Built from <see cref="TaskHubOptions"/>
/// and the storage connection string.
/// </summary>
public sealed class AzureStorageTaskHub : IDisposable
{
    public AzureStorageTaskHub(IOptions<TaskHubOptions> options, IOptions<StorageOptions> storage, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        Options = options.Value;
        Settings = CreateSettings(Options, storage.Value.ConnectionString, loggers);
        Service = new AzureStorageOrchestrationService(Settings);
    }

    public TaskHubOptions Options { get; }

    public AzureStorageOrchestrationServiceSettings Settings { get; }

    public AzureStorageOrchestrationService Service { get; }

    /// <summary>
    /// The framework's settings for Veil's options. Besides the options: every process gets a worker id of its own
    /// (DTFx's default, the machine name, would make two processes on one machine share partition leases), the app
    /// lease is off (it lets only one named app at a time work a hub — meant for blue/green swaps — and would idle
    /// Orchestrations processes on other machines), a schedule refused by its dedupe statuses throws instead of being
    /// silently ignored, and the storage clients count their requests (<see cref="StorageRequests"/>).
    /// </summary>
    public static AzureStorageOrchestrationServiceSettings CreateSettings(TaskHubOptions options, string connectionString, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lease = options.PartitionLeaseInterval;
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, StorageRequests.BlobOptions()),
                StorageServiceClientProvider.ForQueue(connectionString, StorageRequests.QueueOptions()),
                StorageServiceClientProvider.ForTable(connectionString, StorageRequests.TableOptions())),
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            ExtendedSessionsEnabled = options.ExtendedSessions,
            ExtendedSessionIdleTimeout = options.ExtendedSessionIdleTimeout,
            LeaseInterval = lease,
            LeaseRenewInterval = lease / 3,
            LeaseAcquireInterval = lease / 3,
            ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkerId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"),
            UseAppLease = false,
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = loggers,
        };
    }

    public void Dispose() => Service.Dispose();
}
