using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Veil.DurableTask.AzureStorage;
using Veil.DurableTask.Replay;

namespace Veil.DurableTask.Worker;

/// <summary>
/// One partition while this worker holds its lease: reads its control queue, keeps its instances' histories in
/// memory, runs their episodes (one at a time per instance, many instances at once), and keeps their durable timers.
/// An episode's checkpoint is: send its messages, then append its events to history (If-Match on the sentinel), then
/// update the Instances row, then delete the messages it consumed — a crash at any point repeats work, never loses it.
/// </summary>
internal sealed partial class PartitionProcessor : IDisposable
{
    private readonly WorkerServices w;
    private readonly SemaphoreSlim episodeSlots;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, InstanceSlot> slots = new(StringComparer.Ordinal);
    private readonly PriorityQueue<TaskMessage, DateTime> timers = new();
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<Task, byte> episodes = new();
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly SemaphoreSlim timerWake = new(0, 1);
    private Task loops = Task.CompletedTask;

    public PartitionProcessor(int partition, WorkerServices services, SemaphoreSlim episodeSlots)
    {
        Partition = partition;
        w = services;
        this.episodeSlots = episodeSlots;
        logger = services.Loggers.CreateLogger<PartitionProcessor>();
    }

    public int Partition { get; }

    public bool Stopping => stop.IsCancellationRequested;

    public async Task StartAsync()
    {
        await RecoverAsync();
        loops = Task.WhenAll(Task.Run(PollAsync), Task.Run(TimersAsync));
    }

    /// <summary>Stops taking messages, lets running episodes finish, forgets everything in memory.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await loops.ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.WhenAll(episodes.Keys).ContinueWith(_ => { }, TaskScheduler.Default);

        // What lives only in memory (results of in-process activities, armed timers) goes to the control queue, so
        // the next owner gets it even if it recovered this partition before our last episodes were recorded.
        var inMemory = slots.Values.SelectMany(s => s.Inbox).Where(i => i.Ack is null).Select(i => i.Message).ToList();
        List<(TaskMessage Message, DateTime At)> pending;
        lock (timers)
        {
            pending = timers.UnorderedItems.Select(t => (t.Element, t.Priority)).ToList();
            timers.Clear();
        }

        try
        {
            if (inMemory.Count > 0)
            {
                await w.Sender.SendToInstancesAsync(inMemory);
            }

            var now = w.Time.GetUtcNow().UtcDateTime;
            foreach (var (message, at) in pending.Where(p => p.At - now < TimeSpan.FromDays(7)))
            {
                await w.Sender.SendToInstancesAsync([message], at > now ? TimeSpan.FromSeconds(Math.Ceiling((at - now).TotalSeconds)) : null);
            }
        }
        catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
        {
            LogHandOverFailed(logger, e, Partition);
        }

        slots.Clear();
    }

    public void Wake() => Release(wake);

    public void Dispose()
    {
        stop.Dispose();
        wake.Dispose();
        timerWake.Dispose();
    }

    /// <summary>Queues a message for its instance's next episode. False when this partition is stopping.</summary>
    public bool Deliver(TaskMessage message, QueueAck? ack)
    {
        if (Stopping)
        {
            return false;
        }

        var slot = slots.GetOrAdd(message.InstanceId, id => new InstanceSlot(id));
        lock (slot.Gate)
        {
            slot.Inbox.Add(new Inbound(message, ack));
        }

        Schedule(slot);
        return true;
    }

    private static void Release(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>
    /// After taking the partition: instances that were running here may have activities and timers that lived only in
    /// the previous owner's memory. Their histories say which; run and arm them again.
    /// </summary>
    private async Task RecoverAsync()
    {
        var filter = $"Partition eq {Partition} and (RuntimeStatus eq 'Running' or RuntimeStatus eq 'Suspended' or RuntimeStatus eq 'Pending')";
        var recovered = 0;
        foreach (var (instanceId, rowStatus) in await w.Instances.ScanAsync(filter, stop.Token))
        {
            var slot = slots.GetOrAdd(instanceId, id => new InstanceSlot(id));
            var history = await w.History.LoadAsync(instanceId, stop.Token);
            if (history.Events.Count == 0)
            {
                continue;
            }

            var row = await w.Instances.GetAsync(instanceId, withPayloads: false, stop.Token);
            slot.Remember(history);
            slot.CustomStatus = row?.Metadata.SerializedCustomStatus;
            slot.WrittenStatus = rowStatus;
            slot.WrittenCustomStatus = slot.CustomStatus;
            slot.WrittenExecutionId = row?.Metadata.ExecutionId;

            // The previous owner may have died between appending history and writing the row: bring the row up to date.
            await WriteInstanceAsync(slot, history, slot.CustomStatus, w.Time.GetUtcNow().UtcDateTime);
            AfterCommit(slot, history, history.Events.Where(e => e.Dispatch == "local" || e.Type == EventType.TimerCreated), rewound: false);
            recovered++;
        }

        LogRecovered(logger, Partition, recovered);
    }

    private async Task PollAsync()
    {
        var queue = await w.Hub.ControlQueueAsync(Partition);
        var idle = TimeSpan.FromMilliseconds(10);
        while (!Stopping)
        {
            try
            {
                var received = (await queue.ReceiveMessagesAsync(32, w.Options.MessageVisibilityTimeout, stop.Token)).Value;
                if (received.Length == 0)
                {
                    await wake.WaitAsync(idle, stop.Token);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, w.Options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(10);
                foreach (var message in received)
                {
                    await AcceptAsync(queue, message);
                }
            }
            catch (OperationCanceledException) when (Stopping)
            {
                break;
            }
            catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
            {
                LogReceiveFailed(logger, e, Partition);
                await Task.Delay(w.Options.MaxPollingInterval, w.Time, CancellationToken.None);
            }
        }
    }

    private async Task AcceptAsync(Azure.Storage.Queues.QueueClient queue, Azure.Storage.Queues.Models.QueueMessage message)
    {
        IReadOnlyList<TaskMessage> batch;
        try
        {
            batch = await w.Sender.UnpackAsync(message.Body.ToString(), stop.Token);
        }
        catch (JsonException e)
        {
            await ParkAsync(queue, message, $"Not a task message batch: {e.Message}");
            return;
        }

        if (message.DequeueCount > w.Options.MaxDequeueCount)
        {
            await ParkAsync(queue, message, $"Delivered {message.DequeueCount} times without being recorded (limit {w.Options.MaxDequeueCount}).");
            return;
        }

        var ack = new QueueAck(queue, message.MessageId, message.PopReceipt, batch.Count);
        foreach (var m in batch)
        {
            if (w.Hub.PartitionOf(m.InstanceId) != Partition)
            {
                await ack.DoneAsync();
                LogMisrouted(logger, m.InstanceId, Partition);
                continue;
            }

            if (!Deliver(m, ack))
            {
                return;
            }
        }
    }

    private async Task ParkAsync(Azure.Storage.Queues.QueueClient queue, Azure.Storage.Queues.Models.QueueMessage message, string reason)
    {
        await w.Parked.ParkAndDeleteAsync(queue, message, reason, w.Time, stop.Token);
        LogParked(logger, queue.Name, message.MessageId, reason);
    }

    private void Schedule(InstanceSlot slot)
    {
        lock (slot.Gate)
        {
            if (slot.Busy || slot.Inbox.Count == 0)
            {
                return;
            }

            slot.Busy = true;
        }

        var task = Task.Run(() => RunEpisodesAsync(slot));
        episodes[task] = 0;
        _ = task.ContinueWith(t => episodes.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunEpisodesAsync(InstanceSlot slot)
    {
        await episodeSlots.WaitAsync();
        try
        {
            while (true)
            {
                List<Inbound> batch;
                lock (slot.Gate)
                {
                    if (slot.Inbox.Count == 0 || Stopping)
                    {
                        slot.Busy = false;
                        return;
                    }

                    batch = slot.Inbox;
                    slot.Inbox = [];
                }

                var held = await EpisodeAsync(slot, batch);
                if (held.Count > 0)
                {
                    lock (slot.Gate)
                    {
                        slot.Inbox.InsertRange(0, held);
                        slot.Busy = false;
                    }

                    return;
                }
            }
        }
        finally
        {
            episodeSlots.Release();
            slot.LastUsedTicks = w.Time.GetTimestamp();
            EvictIfNeeded();
        }
    }

    /// <summary>Runs one episode; returns messages that must wait (for the instance to start), if any.</summary>
    private async Task<List<Inbound>> EpisodeAsync(InstanceSlot slot, List<Inbound> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A start message for an instance this worker has never loaded is almost always a new instance: skip the
                // read. If a history does exist, the append's insert of the sentinel conflicts and the loop reloads.
                slot.History ??= attempt == 1 && slot.SeenMessageIds.Count == 0 && batch.Any(b => b.Message.Event.Type == EventType.ExecutionStarted)
                    ? CommittedHistory.Empty
                    : await LoadAsync(slot);
                return await CheckpointAsync(slot, batch);
            }
            catch (HistoryConflictException) when (attempt < 5 && !Stopping)
            {
                // Another worker extended this history (we lost the partition for a moment): start from storage again.
                LogConflict(logger, slot.InstanceId, attempt);
                slot.History = null;
            }
            catch (Exception e) when (e is HistoryConflictException or IOException || Veil.Storage.StorageErrors.IsStorageFailure(e))
            {
                LogEpisodeFailed(logger, e, slot.InstanceId);
                slot.History = null;
                await Task.Delay(TimeSpan.FromSeconds(1), w.Time, CancellationToken.None);
                return Stopping ? [] : batch;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A fault in the engine itself: drop the batch from memory. Queue messages come back after their
                // visibility timeout and are parked once they exceed MaxDequeueCount; nothing is deleted unrecorded.
                LogEpisodeBug(logger, e, slot.InstanceId);
                slot.History = null;
                return [];
            }
        }
    }

    private async Task<CommittedHistory> LoadAsync(InstanceSlot slot)
    {
        var history = await w.History.LoadAsync(slot.InstanceId, stop.Token);
        slot.Remember(history);
        return history;
    }

    private void EvictIfNeeded()
    {
        if (slots.Count <= w.Options.MaxCachedInstances)
        {
            return;
        }

        foreach (var idle in slots.Values.Where(s => !s.Busy).OrderBy(s => s.LastUsedTicks).Take(slots.Count - w.Options.MaxCachedInstances))
        {
            lock (idle.Gate)
            {
                if (!idle.Busy && idle.Inbox.Count == 0)
                {
                    slots.TryRemove(idle.InstanceId, out _);
                }
            }
        }
    }

    private async Task TimersAsync()
    {
        while (!Stopping)
        {
            TimeSpan wait;
            var due = new List<TaskMessage>();
            lock (timers)
            {
                var now = w.Time.GetUtcNow().UtcDateTime;
                while (timers.TryPeek(out var timer, out var at) && at <= now)
                {
                    timers.Dequeue();
                    due.Add(timer);
                }

                wait = timers.TryPeek(out _, out var next) ? next - now : TimeSpan.FromSeconds(5);
            }

            foreach (var timer in due)
            {
                Deliver(timer, null);
            }

            try
            {
                await timerWake.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Arm(TaskMessage timerFired, DateTime fireAt)
    {
        lock (timers)
        {
            timers.Enqueue(timerFired, fireAt);
        }

        Release(timerWake);
    }

    [LoggerMessage(3107, LogLevel.Warning, "Partition {Partition}: handing in-memory results and timers over failed; the next owner's recovery re-runs them")]
    private static partial void LogHandOverFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(3100, LogLevel.Information, "Partition {Partition}: recovered {Count} instance(s) with work in flight")]
    private static partial void LogRecovered(ILogger logger, int partition, int count);

    [LoggerMessage(3101, LogLevel.Warning, "Partition {Partition}: receiving failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(3102, LogLevel.Warning, "Message for {InstanceId} reached partition {Partition}, which does not own it; dropped")]
    private static partial void LogMisrouted(ILogger logger, string instanceId, int partition);

    [LoggerMessage(3103, LogLevel.Error, "Message {MessageId} on {Queue} parked: {Reason}")]
    private static partial void LogParked(ILogger logger, string queue, string messageId, string reason);

    [LoggerMessage(3104, LogLevel.Information, "History of {InstanceId} changed under us (try {Attempt}); reloading")]
    private static partial void LogConflict(ILogger logger, string instanceId, int attempt);

    [LoggerMessage(3106, LogLevel.Error, "Episode of {InstanceId} failed unexpectedly; its queue messages will be redelivered and parked if this repeats")]
    private static partial void LogEpisodeBug(ILogger logger, Exception exception, string instanceId);

    [LoggerMessage(3105, LogLevel.Warning, "Episode of {InstanceId} failed; its messages will be tried again")]
    private static partial void LogEpisodeFailed(ILogger logger, Exception exception, string instanceId);
}
