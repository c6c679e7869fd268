namespace Veil.DurableTask.Worker;

/// <summary>Questions the worker asks of a committed history.</summary>
internal static class HistoryFacts
{
    public static HistoryEvent? Started(IReadOnlyList<HistoryEvent> events) => events.FirstOrDefault(e => e.Type == EventType.ExecutionStarted);

    /// <summary>The status a history implies, as replay sees it (a rewind reopens a failed execution).</summary>
    public static OrchestrationRuntimeStatus Status(IReadOnlyList<HistoryEvent> events)
    {
        var replayable = Replay.OrchestrationExecutor.Replayable([.. events]);
        if (replayable.LastOrDefault(e => e.Type == EventType.ExecutionCompleted) is { Status: { } final })
        {
            return final;
        }

        if (replayable.Count == 0 || Started(replayable) is null)
        {
            return OrchestrationRuntimeStatus.Pending;
        }

        var suspended = false;
        foreach (var e in replayable)
        {
            if (e.Type == EventType.ExecutionSuspended)
            {
                suspended = true;
            }
            else if (e.Type == EventType.ExecutionResumed)
            {
                suspended = false;
            }
        }

        return suspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running;
    }

    /// <summary>Activities scheduled and not yet answered (after a rewind, the ones whose failure it undid).</summary>
    public static IEnumerable<HistoryEvent> OpenActivities(IReadOnlyList<HistoryEvent> events) => Open(events, EventType.TaskScheduled, EventType.TaskCompleted, EventType.TaskFailed);

    public static IEnumerable<HistoryEvent> OpenTimers(IReadOnlyList<HistoryEvent> events) => Open(events, EventType.TimerCreated, EventType.TimerFired, EventType.TimerFired);

    public static IEnumerable<HistoryEvent> OpenSubOrchestrations(IReadOnlyList<HistoryEvent> events) =>
        Open(events, EventType.SubOrchestrationInstanceCreated, EventType.SubOrchestrationInstanceCompleted, EventType.SubOrchestrationInstanceFailed);

    private static IEnumerable<HistoryEvent> Open(IReadOnlyList<HistoryEvent> events, EventType scheduled, EventType done, EventType failed)
    {
        var replayable = Replay.OrchestrationExecutor.Replayable([.. events]);
        var answered = replayable.Where(e => e.Type == done || e.Type == failed).Select(e => e.ScheduledId).ToHashSet();
        return replayable.Where(e => e.Type == scheduled && !answered.Contains(e.EventId));
    }
}
