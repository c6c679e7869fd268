using Veil.Portal.Api;

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
                case "task-scheduled" or "sub-orchestration-instance-created":
                    var kind = e.Type == "task-scheduled" ? "activity" : "sub-orchestration";
                    var key = kind + "/" + e.Name;
                    attempts[key] = e.Attempt ?? attempts.GetValueOrDefault(key) + 1;
                    open[e.EventId] = entries.Count;
                    entries.Add(new(kind, e.Name ?? "?", attempts[key], e.Timestamp, null, "waiting", null, null));
                    break;
                case "timer-created":
                    open[e.EventId] = entries.Count;
                    entries.Add(new("timer", $"until {e.FireAt:HH:mm:ss.fff}", 1, e.Timestamp, null, "waiting", null, null));
                    break;
                case "task-completed" or "sub-orchestration-instance-completed" or "timer-fired":
                    Close(e, e.Type == "timer-fired" ? "fired" : "completed", e.Data, null);
                    break;
                case "task-failed" or "sub-orchestration-instance-failed":
                    Close(e, "failed", null, Describe(e.Failure));
                    break;
                case "event-raised":
                    entries.Add(new("event", e.Name ?? "?", 1, e.Timestamp, null, "raised", e.Data, null));
                    break;
                case "execution-started":
                    entries.Add(new("execution", "started", 1, e.Timestamp, null, "started", e.Data, null));
                    break;
                case "execution-completed":
                    var status = e.Status ?? "completed";
                    entries.Add(new("execution", status, 1, e.Timestamp, null, status, e.Data, Describe(e.Failure) ?? (status == "terminated" ? e.Data : null)));
                    break;
                case "execution-terminated" or "execution-suspended" or "execution-resumed" or "execution-rewound":
                    var what = e.Type["execution-".Length..];
                    entries.Add(new("execution", what, 1, e.Timestamp, null, what, e.Reason, null));
                    break;
                case "continue-as-new":
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
