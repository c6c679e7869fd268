using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Veil.DurableTask.Replay;

/// <summary>
/// Runs an orchestrator over its history: past events replay the decisions already recorded (and check that the code
/// still makes them), new events move it on. The result lists the actions taken for the first time, and the end of
/// the execution if it ended. No I/O happens here: the worker turns the result into messages and history rows.
/// </summary>
internal sealed class OrchestrationExecutor : TaskOrchestrationContext
{
    private readonly string instanceId;
    private readonly string name;
    private readonly ILoggerFactory loggers;
    private readonly Dictionary<int, HistoryEvent> recordedActions = [];
    private readonly Dictionary<int, OpenTask> open = [];
    private readonly HashSet<int> answered = [];
    private readonly Dictionary<string, LinkedList<HistoryEvent>> bufferedEvents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LinkedList<Action<HistoryEvent>>> eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly EpisodeResult result = new();
    private readonly string? input;
    private int nextEventId;
    private int guidCounter;
    private DateTime now;
    private bool replaying = true;
    private (object? Input, bool Preserve)? continueAsNew;
    private Exception? nonDeterminism;

    private OrchestrationExecutor(string instanceId, string name, string? input, ILoggerFactory loggers, string? customStatus)
    {
        this.instanceId = instanceId;
        this.name = name;
        this.input = input;
        this.loggers = loggers;
        result.CustomStatus = customStatus;
    }

    public override string InstanceId => instanceId;

    public override string Name => name;

    public override DateTime CurrentUtcDateTime => now;

    public override bool IsReplaying => replaying;

    /// <summary>Replays <paramref name="past"/>, then applies <paramref name="fresh"/>, and reports what the orchestrator decided.</summary>
    public static EpisodeResult Execute(
        ITaskOrchestrator orchestrator,
        string instanceId,
        IReadOnlyList<HistoryEvent> past,
        IReadOnlyList<HistoryEvent> fresh,
        string? customStatus,
        ILoggerFactory? loggers = null)
    {
        var all = Replayable(past.Concat(fresh).ToList());
        var started = all.FirstOrDefault(e => e.Type == EventType.ExecutionStarted)
            ?? throw new InvalidOperationException($"Instance '{instanceId}' has no ExecutionStarted event.");
        var executor = new OrchestrationExecutor(instanceId, started.Name ?? "", started.Data, loggers ?? NullLoggerFactory.Instance, customStatus);
        executor.Run(orchestrator, all, all.Count - fresh.Count(e => all.Contains(e)));
        return executor.result;
    }

    /// <summary>
    /// The events replay sees: after a rewind, the failures it undid are left out, so the failed tasks are open again
    /// and the worker runs them anew. History itself keeps everything.
    /// </summary>
    internal static List<HistoryEvent> Replayable(List<HistoryEvent> events)
    {
        var lastRewind = events.FindLastIndex(e => e.Type == EventType.ExecutionRewound);
        if (lastRewind < 0)
        {
            return events;
        }

        return events
            .Where((e, i) => i > lastRewind || e.Type is not (EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed or EventType.ExecutionCompleted))
            .ToList();
    }

    public override T? GetInput<T>()
        where T : default => DurableJson.Deserialize<T>(input);

    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return await WithRetry(options?.Retry, attempt =>
        {
            var action = new HistoryEvent { Type = EventType.TaskScheduled, Name = name, Data = DurableJson.Serialize(input), Attempt = attempt };
            return Schedule<TResult>(action);
        });
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var childId = (options as SubOrchestrationOptions)?.InstanceId ?? NewGuid().ToString("N");
        return await WithRetry(options?.Retry, attempt =>
        {
            var id = attempt == 1 ? childId : $"{childId}:{attempt}";
            var action = new HistoryEvent { Type = EventType.SubOrchestrationInstanceCreated, Name = orchestratorName, InstanceId = id, Data = DurableJson.Serialize(input) };
            return Schedule<TResult>(action);
        });
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var timer = Schedule<object?>(new HistoryEvent { Type = EventType.TimerCreated, FireAt = DateTime.SpecifyKind(fireAt, DateTimeKind.Utc) });
        if (!cancellationToken.CanBeCanceled)
        {
            return timer;
        }

        var cancellable = new TaskCompletionSource();
        cancellationToken.Register(() => cancellable.TrySetCanceled(cancellationToken));
        timer.ContinueWith(_ => cancellable.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return cancellable.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var waiter = new TaskCompletionSource<T>();
        if (bufferedEvents.TryGetValue(eventName, out var buffer) && buffer.First is { } first)
        {
            buffer.RemoveFirst();
            Deliver(waiter, first.Value);
            return waiter.Task;
        }

        var waiters = eventWaiters.TryGetValue(eventName, out var list) ? list : eventWaiters[eventName] = new();
        var node = waiters.AddLast(e => Deliver(waiter, e));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    waiters.Remove(node);
                }

                waiter.TrySetCanceled(cancellationToken);
            });
        }

        return waiter.Task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource();
        var wait = WaitForExternalEvent<T>(eventName, cancel.Token);
        var timer = CreateTimer(timeout, CancellationToken.None);
        if (await Task.WhenAny(wait, timer) == wait)
        {
            return await wait;
        }

        // Synchronously: CancelAsync would finish on the thread pool, outside the replay, and the episode would end first.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        throw new TaskCanceledException($"No '{eventName}' event arrived within {timeout}.");
    }

    public override void SendEvent(string instanceId, string eventName, object? eventData)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var action = new HistoryEvent { Type = EventType.EventSent, InstanceId = instanceId, Name = eventName, Data = DurableJson.Serialize(eventData) };
        _ = Record(action);
    }

    public override void SetCustomStatus(object? customStatus) => result.CustomStatus = DurableJson.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true) => continueAsNew = (newInput, preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        // A name-based (version 5) UUID of instance, episode time and a counter: the same on every replay.
        var nameBytes = Encoding.UTF8.GetBytes($"{instanceId}_{now:o}_{guidCounter++}");
#pragma warning disable CA5350 // RFC 4122 version 5 is defined with SHA-1; this is an id, not a security boundary.
        var hash = SHA1.HashData([.. Guid.Parse("9e952958-5e33-4daf-827f-2fa12937b875").ToByteArray(bigEndian: true), .. nameBytes]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(loggers.CreateLogger(categoryName), () => replaying);

    private static void Deliver<T>(TaskCompletionSource<T> waiter, HistoryEvent raised)
    {
        try
        {
            waiter.TrySetResult(DurableJson.Deserialize<T>(raised.Data)!);
        }
        catch (System.Text.Json.JsonException e)
        {
            waiter.TrySetException(e);
        }
    }

    private async Task<TResult> WithRetry<TResult>(RetryPolicy? policy, Func<int, Task<TResult>> attempt)
    {
        var firstStart = now;
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt(n);
            }
            catch (TaskFailedException e) when (policy is not null && n < policy.MaxNumberOfAttempts && policy.Handle(e.FailureDetails))
            {
                var delay = policy.DelayBefore(n + 1);
                if (policy.RetryTimeout != Timeout.InfiniteTimeSpan && now + delay - firstStart > policy.RetryTimeout)
                {
                    throw;
                }

                await CreateTimer(delay, CancellationToken.None);
            }
        }
    }

    private Task<T> Schedule<T>(HistoryEvent action)
    {
        var id = Record(action);
        var completion = new TaskCompletionSource<T>();
        open[id] = new OpenTask(e =>
        {
            switch (e.Type)
            {
                case EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed:
                    completion.TrySetException(new TaskFailedException(action.Name ?? action.Type.ToString(), id, e.Failure ?? new TaskFailureDetails("Unknown", "no details")));
                    break;
                default:
                    try
                    {
                        completion.TrySetResult(DurableJson.Deserialize<T>(e.Data)!);
                    }
                    catch (System.Text.Json.JsonException ex)
                    {
                        completion.TrySetException(ex);
                    }

                    break;
            }
        });
        return completion.Task;
    }

    /// <summary>Gives the action its id; a new action is recorded, a replayed one must match what history holds.</summary>
    private int Record(HistoryEvent action)
    {
        var id = nextEventId++;
        if (recordedActions.TryGetValue(id, out var recorded))
        {
            if (recorded.Type != action.Type || !string.Equals(recorded.Name, action.Name, StringComparison.Ordinal))
            {
                nonDeterminism ??= new NonDeterministicOrchestrationException(
                    $"Non-deterministic orchestrator '{name}': history has {Describe(recorded)} as action #{id}, but the code now takes {Describe(action)}. " +
                    "Orchestrator code must make the same calls in the same order on every replay.");
            }
        }
        else
        {
            result.NewActions.Add(action with { EventId = id, Timestamp = now });
        }

        return id;
    }

    private static string Describe(HistoryEvent e) => e.Type switch
    {
        EventType.TaskScheduled => $"CallActivity '{e.Name}'",
        EventType.SubOrchestrationInstanceCreated => $"CallSubOrchestrator '{e.Name}'",
        EventType.TimerCreated => "CreateTimer",
        EventType.EventSent => $"SendEvent '{e.Name}'",
        _ => e.Type.ToString(),
    };

    private void Run(ITaskOrchestrator orchestrator, List<HistoryEvent> events, int firstFresh)
    {
        foreach (var e in events.Where(e => e.EventId >= 0 && e.Type is EventType.TaskScheduled or EventType.TimerCreated or EventType.SubOrchestrationInstanceCreated or EventType.EventSent))
        {
            recordedActions[e.EventId] = e;
        }

        var terminated = events.FirstOrDefault(e => e.Type == EventType.ExecutionTerminated);
        if (terminated is not null)
        {
            result.Completion = new HistoryEvent { Type = EventType.ExecutionCompleted, Status = OrchestrationRuntimeStatus.Terminated, Data = terminated.Reason, Timestamp = terminated.Timestamp };
            return;
        }

        var context = new ReplaySynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            now = events.FirstOrDefault(e => e.Type == EventType.OrchestratorStarted)?.Timestamp ?? events[0].Timestamp;
            replaying = firstFresh > 0;
            Task<object?> running;
            try
            {
                var typedInput = DurableJson.Deserialize(input, orchestrator.InputType);
                running = orchestrator.RunAsync(this, typedInput);
            }
            catch (Exception e)
            {
                // Thrown before the first await: the orchestrator failed like any other.
                running = Task.FromException<object?>(e);
            }

            context.Drain();
            var suspended = false;
            var deferred = new List<HistoryEvent>();
            for (var i = 0; i < events.Count && !running.IsCompleted && nonDeterminism is null; i++)
            {
                replaying = i < firstFresh;
                var e = events[i];
                if (e.Type == EventType.ExecutionSuspended)
                {
                    suspended = true;
                    continue;
                }

                if (e.Type == EventType.ExecutionResumed)
                {
                    suspended = false;
                    foreach (var held in deferred)
                    {
                        Apply(held);
                        context.Drain();
                    }

                    deferred.Clear();
                    continue;
                }

                if (suspended && e.Type is not EventType.OrchestratorStarted)
                {
                    deferred.Add(e);
                    continue;
                }

                Apply(e);
                context.Drain();
            }

            replaying = false;
            result.Suspended = suspended;
            Finish(running);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void Apply(HistoryEvent e)
    {
        switch (e.Type)
        {
            case EventType.OrchestratorStarted:
                now = e.Timestamp;
                break;
            case EventType.TaskCompleted or EventType.TaskFailed or EventType.TimerFired
                or EventType.SubOrchestrationInstanceCompleted or EventType.SubOrchestrationInstanceFailed:
                var id = e.ScheduledId ?? -1;
                if (open.Remove(id, out var task))
                {
                    answered.Add(id);
                    task.Complete(e);
                }
                else if (replaying && !answered.Contains(id) && !recordedActions.ContainsKey(id))
                {
                    nonDeterminism ??= new NonDeterministicOrchestrationException(
                        $"Non-deterministic orchestrator '{name}': history has {e.Type} for action #{id}, but the code no longer takes that action.");
                }

                break;
            case EventType.EventRaised:
                if (e.Name is { } eventName && eventWaiters.TryGetValue(eventName, out var waiters) && waiters.First is { } waiter)
                {
                    waiters.RemoveFirst();
                    waiter.Value(e);
                }
                else
                {
                    var buffer = bufferedEvents.TryGetValue(e.Name ?? "", out var list) ? list : bufferedEvents[e.Name ?? ""] = new();
                    buffer.AddLast(e);
                }

                break;
        }
    }

    private void Finish(Task<object?> running)
    {
        if (nonDeterminism is not null)
        {
            result.NewActions.Clear();
            result.Completion = Failed(TaskFailureDetails.FromException(nonDeterminism));
            return;
        }

        if (!running.IsCompleted)
        {
            return;
        }

        if (running.IsCompletedSuccessfully)
        {
            if (continueAsNew is { } next)
            {
                result.Completion = new HistoryEvent { Type = EventType.ContinueAsNew, Data = DurableJson.Serialize(next.Input), Timestamp = now };
                if (next.Preserve)
                {
                    result.CarriedOverEvents.AddRange(bufferedEvents.Values.SelectMany(b => b));
                }
            }
            else
            {
                result.Completion = new HistoryEvent { Type = EventType.ExecutionCompleted, Status = OrchestrationRuntimeStatus.Completed, Data = DurableJson.Serialize(running.Result), Timestamp = now };
            }

            return;
        }

        var exception = running.Exception?.InnerException ?? (Exception)new TaskCanceledException("The orchestrator was cancelled.");
        result.Completion = Failed(TaskFailureDetails.FromException(exception));
    }

    private HistoryEvent Failed(TaskFailureDetails failure) =>
        new() { Type = EventType.ExecutionCompleted, Status = OrchestrationRuntimeStatus.Failed, Failure = failure, Timestamp = now };

    private sealed record OpenTask(Action<HistoryEvent> Complete);
}
