using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Storage;

namespace Veil.TaskHub.Hosting;

/// <summary>
/// Runs DurableTask.Core's <see cref="TaskHubWorker"/> over the task hub in this process: every orchestrator and
/// activity of the SDK's <see cref="DurableTaskRegistry"/>, bridged by the SDK's public <see cref="DurableTaskShimFactory"/>.
/// Creating the hub's queues, tables and containers waits out storage outages, so the process starts whether or not
/// storage is there yet; once running, the framework's dispatchers back off through outages themselves.
/// </summary>
public sealed class TaskHubWorkerService(
    AzureStorageTaskHub hub,
    DurableTaskRegistry registry,
    DataConverter converter,
    IServiceProvider services,
    ILoggerFactory loggers,
    TimeProvider time) : BackgroundService
{
    /// <summary>How long a forced stop may take before the process leaves without it.</summary>
    internal static readonly TimeSpan ForcedStopLimit = TimeSpan.FromSeconds(5);

    private readonly ILogger logger = loggers.CreateLogger<TaskHubWorkerService>();
    private TaskHubWorker? worker;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, loggers);
        var started = new TaskHubWorker(hub.Service, loggers) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };
        started.AddTaskOrchestrations(registry.GetOrchestrators()
            .Select(o => (ObjectCreator<TaskOrchestration>)new RegisteredTask<TaskOrchestration>(o.Key.Name, () => shims.CreateOrchestration(o.Key, o.Value(services), parent: null)))
            .ToArray());
        started.AddTaskActivities(registry.GetActivities()
            .Select(a => (ObjectCreator<TaskActivity>)new RegisteredTask<TaskActivity>(a.Key.Name, () => new StorageOutageReportingActivity(shims.CreateActivity(a.Key, a.Value(services)))))
            .ToArray());

        await WhenStorageAnswersAsync("create the task hub", hub.Service.CreateIfNotExistsAsync, stoppingToken);
        await WhenStorageAnswersAsync("start the worker", () => started.StartAsync(), stoppingToken);
        worker = started;
        Logs.WorkerStarted(logger, hub.Options.TaskHubName, hub.Settings.WorkerId, hub.Options.PartitionCount);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (worker is { } running)
        {
            // A graceful stop finishes running work and hands the partitions back; past the host's shutdown
            // timeout it is forced, and the leases expire instead. With storage gone even a forced stop waits on
            // the lease renewals' retries for good: it gets a few seconds, then the process exits without it.
            try
            {
                await running.StopAsync(isForced: false).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    await running.StopAsync(isForced: true).WaitAsync(ForcedStopLimit, time, CancellationToken.None);
                }
                catch (TimeoutException)
                {
                    Logs.WorkerAbandoned(logger, ForcedStopLimit);
                }
            }
        }
    }

    private Task WhenStorageAnswersAsync(string what, Func<Task> action, CancellationToken stoppingToken) =>
        StorageOutage.WaitOutAsync(_ => action(), (delay, e) => Logs.WaitingForStorage(logger, what, delay, e.Message), time, stoppingToken);
}
