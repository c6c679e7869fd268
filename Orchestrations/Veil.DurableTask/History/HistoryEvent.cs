namespace Veil.DurableTask;

/// <summary>
/// One event of an orchestration's history. One shape for every <see cref="EventType"/>; the fields an event type does
/// not use stay null. Inputs, results and event data are JSON text.
/// </summary>
public sealed record HistoryEvent
{
    public required EventType Type { get; init; }

    /// <summary>For actions the orchestrator took (task, timer, sub-orchestration, event sent): their sequence number. Otherwise -1.</summary>
    public int EventId { get; init; } = -1;

    public DateTime Timestamp { get; init; }

    /// <summary>Orchestrator, activity, sub-orchestrator or event name.</summary>
    public string? Name { get; init; }

    /// <summary>Input (started, scheduled), result (completed), event data (raised, sent) or output (execution completed).</summary>
    public string? Data { get; init; }

    public TaskFailureDetails? Failure { get; init; }

    /// <summary>For completions and timer firings: the <see cref="EventId"/> of the action they answer.</summary>
    public int? ScheduledId { get; init; }

    /// <summary>Timers: when they fire.</summary>
    public DateTime? FireAt { get; init; }

    /// <summary>Sub-orchestration or event target instance; for ExecutionStarted, the parent's.</summary>
    public string? InstanceId { get; init; }

    /// <summary>ExecutionStarted: the execution's id; ExecutionCompleted: its final status.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>ExecutionStarted of a sub-orchestration: the parent's event id that created it.</summary>
    public int? ParentEventId { get; init; }

    /// <summary>ExecutionCompleted: the final status.</summary>
    public OrchestrationRuntimeStatus? Status { get; init; }

    /// <summary>Terminate, suspend, resume, rewind: the operator's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>TaskScheduled: <c>local</c> when the owning worker runs it in-process (re-run on recovery), <c>queue</c> when it went to the work-item queue.</summary>
    public string? Dispatch { get; init; }

    /// <summary>The id of the message that brought this event, to drop duplicates.</summary>
    public string? MessageId { get; init; }

    /// <summary>Activities: the attempt number under a retry policy (1 for the first).</summary>
    public int? Attempt { get; init; }

    public override string ToString() => $"{Type}{(EventId >= 0 ? $" #{EventId}" : "")}{(Name is null ? "" : $" '{Name}'")}";
}
