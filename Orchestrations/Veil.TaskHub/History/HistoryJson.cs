using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Veil.TaskHub.History;

/// <summary>
/// Reads the history DurableTask.AzureStorage hands out as JSON (Newtonsoft, without type names) back into
/// DurableTask.Core's typed history events: each row's <c>EventType</c> says which class it is. Rows of kinds this
/// version does not know are skipped, so a newer writer cannot make the history unreadable.
/// </summary>
public static class HistoryJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        MissingMemberHandling = MissingMemberHandling.Ignore,
    });

    private static readonly Dictionary<EventType, Type> Types = new()
    {
        [EventType.ExecutionStarted] = typeof(ExecutionStartedEvent),
        [EventType.ExecutionCompleted] = typeof(ExecutionCompletedEvent),
        [EventType.ExecutionTerminated] = typeof(ExecutionTerminatedEvent),
        [EventType.ExecutionSuspended] = typeof(ExecutionSuspendedEvent),
        [EventType.ExecutionResumed] = typeof(ExecutionResumedEvent),
        [EventType.ExecutionRewound] = typeof(ExecutionRewoundEvent),
        [EventType.ContinueAsNew] = typeof(ContinueAsNewEvent),
        [EventType.OrchestratorStarted] = typeof(OrchestratorStartedEvent),
        [EventType.OrchestratorCompleted] = typeof(OrchestratorCompletedEvent),
        [EventType.TaskScheduled] = typeof(TaskScheduledEvent),
        [EventType.TaskCompleted] = typeof(TaskCompletedEvent),
        [EventType.TaskFailed] = typeof(TaskFailedEvent),
        [EventType.SubOrchestrationInstanceCreated] = typeof(SubOrchestrationInstanceCreatedEvent),
        [EventType.SubOrchestrationInstanceCompleted] = typeof(SubOrchestrationInstanceCompletedEvent),
        [EventType.SubOrchestrationInstanceFailed] = typeof(SubOrchestrationInstanceFailedEvent),
        [EventType.TimerCreated] = typeof(TimerCreatedEvent),
        [EventType.TimerFired] = typeof(TimerFiredEvent),
        [EventType.EventRaised] = typeof(EventRaisedEvent),
        [EventType.EventSent] = typeof(EventSentEvent),
        [EventType.GenericEvent] = typeof(GenericEvent),
    };

    /// <summary>The events, oldest first.</summary>
    /// <exception cref="FormatException">The text is not a JSON array of history rows.</exception>
    public static IList<HistoryEvent> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        JArray rows;
        try
        {
            rows = JArray.Parse(json);
        }
        catch (JsonReaderException e)
        {
            throw new FormatException($"The task hub returned a history that is not a JSON array: {e.Message}", e);
        }

        var events = new List<HistoryEvent>(rows.Count);
        foreach (var row in rows.OfType<JObject>())
        {
            if (row.Value<int?>(nameof(HistoryEvent.EventType)) is { } kind && Types.TryGetValue((EventType)kind, out var type))
            {
                events.Add((HistoryEvent)row.ToObject(type, Serializer)!);
            }
        }

        return events;
    }
}
