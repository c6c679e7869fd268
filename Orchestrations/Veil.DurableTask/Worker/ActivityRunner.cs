using System.Text.Json;
using System.Threading.Channels;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Veil.DurableTask.AzureStorage;

namespace Veil.DurableTask.Worker;

/// <summary>
/// Runs activities: those the partitions of this worker scheduled in-process, and — when it has room — those waiting
/// on the shared work-item queue. A result goes straight to its instance's partition when this worker owns it
/// (recorded at that instance's next checkpoint), otherwise through the instance's control queue.
/// </summary>
internal sealed partial class ActivityRunner : IDisposable
{
    private readonly WorkerServices w;
    private readonly Channel<ActivityWork> work = Channel.CreateUnbounded<ActivityWork>();
    private readonly ILogger logger;
    private readonly SemaphoreSlim wake = new(0, 1);
    private int backlog;

    public ActivityRunner(WorkerServices services)
    {
        w = services;
        logger = services.Loggers.CreateLogger<ActivityRunner>();
    }

    /// <summary>Whether an activity scheduled now would start soon here; otherwise it goes to the work-item queue for any worker.</summary>
    public bool HasRoom => Volatile.Read(ref backlog) < w.Options.MaxConcurrentActivities * 2;

    public void RunLocally(ActivityWork item)
    {
        Interlocked.Increment(ref backlog);
        work.Writer.TryWrite(item);
    }

    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public void Dispose() => wake.Dispose();

    public Task RunAsync(CancellationToken stoppingToken)
    {
        var runners = Enumerable.Range(0, w.Options.MaxConcurrentActivities).Select(_ => Task.Run(() => ExecuteLoopAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll([.. runners, Task.Run(() => PollWorkItemsAsync(stoppingToken), CancellationToken.None)]);
    }

    private async Task ExecuteLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in work.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ExecuteAsync(item, stoppingToken);
                }
                catch (Exception e) when (e is IOException || Veil.Storage.StorageErrors.IsStorageFailure(e))
                {
                    // Its result could not be delivered: the work item (or, for a local one, recovery) runs it again.
                    LogDeliveryFailed(logger, e, item.Scheduled.Name ?? "", item.InstanceId);
                }
                finally
                {
                    Interlocked.Decrement(ref backlog);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ExecuteAsync(ActivityWork item, CancellationToken stoppingToken)
    {
        var scheduled = item.Scheduled;
        var name = scheduled.Name ?? "";
        HistoryEvent outcome;
        try
        {
            var activity = w.Registry.CreateActivity(name, w.Services)
                ?? throw new InvalidOperationException($"No activity named '{name}' is registered on this worker.");
            var input = DurableJson.Deserialize(scheduled.Data, activity.InputType);
            var output = await activity.RunAsync(new TaskActivityContext(name, item.InstanceId, scheduled.EventId, stoppingToken), input);
            outcome = new HistoryEvent { Type = EventType.TaskCompleted, ScheduledId = scheduled.EventId, Data = DurableJson.Serialize(output) };
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            outcome = new HistoryEvent { Type = EventType.TaskFailed, ScheduledId = scheduled.EventId, Failure = TaskFailureDetails.FromException(e is JsonException ? new ArgumentException($"Input of activity '{name}' does not fit its type: {e.Message}", e) : e) };
        }

        var result = new TaskMessage(
            item.ResultMessageId,
            item.InstanceId,
            item.ExecutionId,
            outcome with { Timestamp = w.Time.GetUtcNow().UtcDateTime });
        if (!w.TryDeliverLocally(result, item.Ack))
        {
            await w.Sender.SendToInstancesAsync([result], cancellationToken: CancellationToken.None);
            if (item.Ack is { } ack)
            {
                await ack.DoneAsync();
            }
        }
    }

    private async Task PollWorkItemsAsync(CancellationToken stoppingToken)
    {
        var queue = await w.Hub.WorkItemQueueAsync();
        var idle = TimeSpan.FromMilliseconds(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = (w.Options.MaxConcurrentActivities * 2) - Volatile.Read(ref backlog);
                if (room <= 0)
                {
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(50), stoppingToken);
                    continue;
                }

                var received = (await queue.ReceiveMessagesAsync(Math.Min(32, room), w.Options.MessageVisibilityTimeout, stoppingToken)).Value;
                if (received.Length == 0)
                {
                    await wake.WaitAsync(idle, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, w.Options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(10);
                foreach (var message in received)
                {
                    IReadOnlyList<TaskMessage> batch;
                    try
                    {
                        batch = await w.Sender.UnpackAsync(message.Body.ToString(), stoppingToken);
                        if (batch.Count != 1 || batch[0].Event.Type != EventType.TaskScheduled || batch[0].ExecutionId is null)
                        {
                            throw new JsonException("A work item must hold exactly one TaskScheduled event with its executionId.");
                        }
                    }
                    catch (JsonException e)
                    {
                        await ParkAsync(queue, message, $"Not a work item: {e.Message}", stoppingToken);
                        continue;
                    }

                    if (message.DequeueCount > w.Options.MaxDequeueCount)
                    {
                        await ParkAsync(queue, message, $"Delivered {message.DequeueCount} times without finishing (limit {w.Options.MaxDequeueCount}).", stoppingToken);
                        continue;
                    }

                    var m = batch[0];
                    RunLocally(new ActivityWork(m.InstanceId, m.ExecutionId!, m.Event, new QueueAck(queue, message.MessageId, message.PopReceipt, 1), m.Id + "|result"));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
            {
                LogReceiveFailed(logger, e);
                await Task.Delay(w.Options.MaxPollingInterval, w.Time, CancellationToken.None);
            }
        }
    }

    private async Task ParkAsync(Azure.Storage.Queues.QueueClient queue, Azure.Storage.Queues.Models.QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        await w.Parked.ParkAndDeleteAsync(queue, message, reason, w.Time, cancellationToken);
        LogParked(logger, message.MessageId, reason);
    }

    [LoggerMessage(3200, LogLevel.Warning, "Result of activity {Name} for {InstanceId} could not be delivered; it will run again")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string name, string instanceId);

    [LoggerMessage(3201, LogLevel.Warning, "Receiving work items failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(3202, LogLevel.Error, "Work item {MessageId} parked: {Reason}")]
    private static partial void LogParked(ILogger logger, string messageId, string reason);
}
