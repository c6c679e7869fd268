using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Veil.Orchestrations.Api;

/// <summary>A failure as the API shows it: type, message, where, and what caused it.</summary>
public sealed record FailureView(string ErrorType, string ErrorMessage, string? StackTrace, FailureView? InnerFailure)
{
    public static FailureView? From(TaskFailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, From(failure.InnerFailure));

    public static FailureView? From(FailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, From(failure.InnerFailure));
}

/// <summary>
/// An orchestration instance as the API shows it. The task hub keeps no completion time apart from the last
/// update, which for an ended instance is its end: <see cref="CompletedAt"/> is that.
/// </summary>
public sealed record OrchestrationInstanceView(
    string Name,
    string InstanceId,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    DateTimeOffset? CompletedAt,
    string? SerializedInput,
    string? SerializedOutput,
    string? SerializedCustomStatus,
    FailureView? FailureDetails)
{
    public static OrchestrationInstanceView From(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new(instance.Name, instance.InstanceId, instance.RuntimeStatus, instance.CreatedAt, instance.LastUpdatedAt,
            instance.IsCompleted ? instance.LastUpdatedAt : null, instance.SerializedInput, instance.SerializedOutput,
            instance.SerializedCustomStatus, FailureView.From(instance.FailureDetails));
    }
}

/// <summary>A page of instances and the token for the next one (null: the last page).</summary>
public sealed record OrchestrationPageView(IReadOnlyList<OrchestrationInstanceView> Instances, string? ContinuationToken);

/// <summary>
/// One event of an instance's history, in one shape for every kind (fields a kind does not use are null). Mapped
/// from DurableTask.Core's history events: <see cref="Type"/> is its event type in kebab case, <see cref="Data"/>
/// the input, result or payload as JSON, <see cref="ScheduledId"/> the event id of the action an answer answers.
/// </summary>
public sealed record HistoryEventView(string Type, int EventId, DateTime Timestamp)
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

    /// <summary>Execution completed: the status it ended with.</summary>
    public string? Status { get; init; }

    public static HistoryEventView From(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var view = new HistoryEventView(JsonNamingPolicy.KebabCaseLower.ConvertName(e.EventType.ToString()), e.EventId, e.Timestamp);
        return e switch
        {
            ExecutionStartedEvent s => view with { Name = s.Name, Data = s.Input, FireAt = s.ScheduledStartTime },
            ContinueAsNewEvent c => view with { Data = c.Result },
            ExecutionCompletedEvent c => view with
            {
                Status = JsonNamingPolicy.KebabCaseLower.ConvertName(c.OrchestrationStatus.ToString()),
                Data = c.OrchestrationStatus == OrchestrationStatus.Failed ? null : c.Result,
                Failure = FailureView.From(c.FailureDetails) ?? (c.OrchestrationStatus == OrchestrationStatus.Failed ? new FailureView("Unknown", c.Result ?? "", null, null) : null),
            },
            ExecutionTerminatedEvent t => view with { Reason = Unquote(t.Input) },
            ExecutionSuspendedEvent s => view with { Reason = s.Reason },
            ExecutionResumedEvent r => view with { Reason = r.Reason },
            ExecutionRewoundEvent r => view with { Reason = r.Reason },
            TaskScheduledEvent t => view with { Name = t.Name, Data = t.Input },
            TaskCompletedEvent t => view with { ScheduledId = t.TaskScheduledId, Data = t.Result },
            TaskFailedEvent t => view with { ScheduledId = t.TaskScheduledId, Failure = FailureView.From(t.FailureDetails) ?? new FailureView("Unknown", t.Reason ?? "", t.Details, null) },
            SubOrchestrationInstanceCreatedEvent s => view with { Name = s.Name, InstanceId = s.InstanceId, Data = s.Input },
            SubOrchestrationInstanceCompletedEvent s => view with { ScheduledId = s.TaskScheduledId, Data = s.Result },
            SubOrchestrationInstanceFailedEvent s => view with { ScheduledId = s.TaskScheduledId, Failure = FailureView.From(s.FailureDetails) ?? new FailureView("Unknown", s.Reason ?? "", s.Details, null) },
            TimerCreatedEvent t => view with { FireAt = t.FireAt },
            TimerFiredEvent t => view with { ScheduledId = t.TimerId, FireAt = t.FireAt },
            EventRaisedEvent r => view with { Name = r.Name, Data = r.Input },
            EventSentEvent s => view with { Name = s.Name, InstanceId = s.InstanceId, Data = s.Input },
            _ => view,
        };
    }

    /// <summary>A terminate reason travels as the instance's JSON output; show it as the words it was.</summary>
    private static string? Unquote(string? json)
    {
        if (json is not { Length: > 1 } || json[0] != '"')
        {
            return json;
        }

        try
        {
            return JsonSerializer.Deserialize<string>(json);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}

/// <summary>One orchestration that acted on a server (its boot, its deletes), with its history: the server's action log.</summary>
public sealed record ServerAction(string InstanceId, string Name, OrchestrationRuntimeStatus RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, FailureView? FailureDetails, IReadOnlyList<HistoryEventView> History);
