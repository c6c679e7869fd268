using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.Portal.History;

/// <summary>Folds an instance's history into its timeline: each scheduled thing paired with its answer.</summary>
public static class HistoryTimeline
{
    public static IReadOnlyList<TimelineEntry> Build(IEnumerable<HistoryEventView> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var entries = new List<TimelineEntry>();
        var open = new Dictionary<int, int>(); // scheduled event id -> index in entries
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in history)
        {
            switch (e.Type)
            {
                case HistoryEventKind.TaskScheduled or HistoryEventKind.SubOrchestrationInstanceCreated:
                    var kind = e.Type == HistoryEventKind.TaskScheduled ? "activity" : "sub-orchestration";
                    var key = kind + "/" + e.Name;
                    attempts[key] = attempts.GetValueOrDefault(key) + 1;
                    open[e.EventId] = entries.Count;
                    entries.Add(new(kind, e.Name ?? "?", attempts[key], e.Timestamp, null, "waiting", null, null));
                    break;
                case HistoryEventKind.TimerCreated:
                    open[e.EventId] = entries.Count;
                    entries.Add(new("timer", $"until {e.FireAt:HH:mm:ss.fff}", 1, e.Timestamp, null, "waiting", null, null));
                    break;
                case HistoryEventKind.TaskCompleted or HistoryEventKind.SubOrchestrationInstanceCompleted or HistoryEventKind.TimerFired:
                    Close(e, e.Type == HistoryEventKind.TimerFired ? "fired" : "completed", e.Data, null);
                    break;
                case HistoryEventKind.TaskFailed or HistoryEventKind.SubOrchestrationInstanceFailed:
                    Close(e, "failed", null, Describe(e.Failure));
                    break;
                case HistoryEventKind.EventRaised:
                    entries.Add(new("event", e.Name ?? "?", 1, e.Timestamp, null, "raised", e.Data, null));
                    break;
                case HistoryEventKind.ExecutionStarted:
                    entries.Add(new("execution", "started", 1, e.Timestamp, null, "started", e.Data, null));
                    break;
                case HistoryEventKind.ExecutionCompleted:
                    var status = e.Status ?? InstanceStatus.Completed;
                    var word = VeilJson.Word(status);
                    entries.Add(new("execution", word, 1, e.Timestamp, null, word, e.Data, Describe(e.Failure) ?? (status == InstanceStatus.Terminated ? e.Data : null)));
                    break;
                case HistoryEventKind.ExecutionTerminated or HistoryEventKind.ExecutionSuspended or HistoryEventKind.ExecutionResumed or HistoryEventKind.ExecutionRewound:
                    var what = VeilJson.Word(e.Type)["execution-".Length..];
                    entries.Add(new("execution", what, 1, e.Timestamp, null, what, e.Reason, null));
                    break;
                case HistoryEventKind.ContinueAsNew:
                    entries.Add(new("execution", "continued as new", 1, e.Timestamp, null, "continued-as-new", e.Data, null));
                    break;
            }
        }

        return entries;

        void Close(HistoryEventView answer, string outcome, string? result, string? error)
        {
            if (answer.ScheduledId is { } id && open.Remove(id, out var index))
            {
                entries[index] = entries[index] with { End = answer.Timestamp, Outcome = outcome, Result = result, Error = error };
            }
        }
    }

    private static string? Describe(FailureView? failure) =>
        failure is null ? null : failure.InnerFailure is { } inner ? $"{failure} ← {Describe(inner)}" : failure.ToString();
}
