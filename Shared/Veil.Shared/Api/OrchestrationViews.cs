using System.Text.Json.Serialization;

namespace Veil.Shared.Api;

/// <summary>An orchestration instance's runtime status, as the API writes it (<c>continued-as-new</c>).</summary>
public enum InstanceStatus
{
    Running,
    Completed,
    ContinuedAsNew,
    Failed,
    Canceled,
    Terminated,
    Pending,
    Suspended,
}

/// <summary>What one event of an instance's history records. Veil's words for the engine's event types;
/// <see cref="Other"/> for a type this version of the contract does not know.</summary>
public enum HistoryEventKind
{
    Other,
    ExecutionStarted,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionTerminated,
    ExecutionSuspended,
    ExecutionResumed,
    ExecutionRewound,
    ContinueAsNew,
    OrchestratorStarted,
    OrchestratorCompleted,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    SubOrchestrationInstanceCreated,
    SubOrchestrationInstanceCompleted,
    SubOrchestrationInstanceFailed,
    TimerCreated,
    TimerFired,
    EventRaised,
    EventSent,
    GenericEvent,
    HistoryState,
}

/// <summary>A failure: type, message, where, and what caused it.</summary>
public sealed record FailureView(string ErrorType, string ErrorMessage, string? StackTrace = null, FailureView? InnerFailure = null)
{
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>
/// An orchestration instance. The task hub keeps no completion time apart from the last update, which for an
/// ended instance is its end: <see cref="CompletedAt"/> is that.
/// </summary>
public sealed record OrchestrationInstanceView(
    string Name,
    string InstanceId,
    InstanceStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    DateTimeOffset? CompletedAt = null,
    string? SerializedInput = null,
    string? SerializedOutput = null,
    string? SerializedCustomStatus = null,
    FailureView? FailureDetails = null);

/// <summary>A page of instances and the token for the next one (null: the last page).</summary>
public sealed record OrchestrationPageView(IReadOnlyList<OrchestrationInstanceView> Instances, string? ContinuationToken);

/// <summary>
/// One event of an instance's history, in one shape for every kind (fields a kind does not use are null):
/// <see cref="Data"/> is the input, result or payload as JSON, <see cref="ScheduledId"/> the event id of the
/// action an answer answers.
/// </summary>
public sealed record HistoryEventView(HistoryEventKind Type, DateTime Timestamp, int EventId = -1)
{
    public string? Name { get; init; }

    public string? Data { get; init; }

    public FailureView? Failure { get; init; }

    public int? ScheduledId { get; init; }

    public DateTime? FireAt { get; init; }

    /// <summary>A sub-orchestration's or an event's target instance.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Terminate, suspend, resume and rewind: the operator's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>Execution started: the W3C trace id it runs in, when it was started in a traced request.</summary>
    public string? TraceId { get; init; }

    /// <summary>Execution completed: the status it ended with.</summary>
    public InstanceStatus? Status { get; init; }
}

/// <summary>One orchestration that acted on a server (its boot, its deletes), with its history: the server's action log.</summary>
public sealed record ServerActionView(string InstanceId, string Name, InstanceStatus RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, FailureView? FailureDetails, IReadOnlyList<HistoryEventView> History)
{
    /// <summary>The trace the orchestration ran in (from its start in the history), when it was traced.</summary>
    public string? TraceId => History.FirstOrDefault(e => e.Type == HistoryEventKind.ExecutionStarted)?.TraceId;
}

/// <summary>Body of terminate/suspend/resume/rewind/restart: the operator's reason.</summary>
public sealed record InstanceActionRequest(string? Reason = null);

/// <summary>One warning or error the durable engine logged.</summary>
public sealed record EngineWarning(DateTimeOffset At, string Category, string Level, string Event, string? InstanceId, string Message);

/// <summary>The durable engine's warnings in the API process that answered: counts by event, and the latest.</summary>
public sealed record EngineWarningsView(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<EngineWarning> Recent)
{
    /// <summary>Warnings about messages the engine could not process and will keep retrying.</summary>
    [JsonIgnore]
    public long Retried => Counts.GetValueOrDefault("AbandoningMessage");

    /// <summary>Messages that have failed so often that they sit at the engine's ten-minute back-off.</summary>
    [JsonIgnore]
    public long Poison => Counts.GetValueOrDefault("PoisonMessageDetected");

    [JsonIgnore]
    public long Total => Counts.Values.Sum();
}

/// <summary>Answer of a restart: the instance that now runs (the same id, or a new one if asked).</summary>
public sealed record InstanceRestarted(string InstanceId);

/// <summary>Answer of a purge: how many instances' state and history were removed.</summary>
public sealed record InstancesPurged(int PurgedInstanceCount);
