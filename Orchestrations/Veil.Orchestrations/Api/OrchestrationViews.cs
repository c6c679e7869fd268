using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Veil.Shared.Api;

namespace Veil.Orchestrations.Api;

/// <summary>
/// The engine's types as the HTTP contract writes them (<see cref="Veil.Shared.Api"/>): no DurableTask type goes
/// onto the wire, so the Portal never learns the engine's history schema.
/// </summary>
internal static class OrchestrationViews
{
    public static FailureView? ToView(this TaskFailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, failure.InnerFailure.ToView());

    public static FailureView? ToView(this FailureDetails? failure) =>
        failure is null ? null : new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, failure.InnerFailure.ToView());

    public static InstanceStatus ToView(this OrchestrationRuntimeStatus status) => Status(status.ToString());

    public static OrchestrationInstanceView ToView(this OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new(instance.Name, instance.InstanceId, instance.RuntimeStatus.ToView(), instance.CreatedAt, instance.LastUpdatedAt,
            instance.IsCompleted ? instance.LastUpdatedAt : null, instance.SerializedInput, instance.SerializedOutput,
            instance.SerializedCustomStatus, instance.FailureDetails.ToView());
    }

    public static HistoryEventView ToView(this HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = Enum.TryParse<HistoryEventKind>(e.EventType.ToString(), out var known) ? known : HistoryEventKind.Other;
        var view = new HistoryEventView(kind, e.Timestamp, e.EventId);
        return e switch
        {
            ExecutionStartedEvent s => view with { Name = s.Name, Data = s.Input, FireAt = s.ScheduledStartTime, TraceId = TraceIdOf(s.ParentTraceContext?.TraceParent) },
            ContinueAsNewEvent c => view with { Data = c.Result },
            ExecutionCompletedEvent c => view with
            {
                Status = Status(c.OrchestrationStatus.ToString()),
                Data = c.OrchestrationStatus == OrchestrationStatus.Failed ? null : c.Result,
                Failure = c.FailureDetails.ToView() ?? (c.OrchestrationStatus == OrchestrationStatus.Failed ? new FailureView("Unknown", c.Result ?? "") : null),
            },
            ExecutionTerminatedEvent t => view with { Reason = Unquote(t.Input) },
            ExecutionSuspendedEvent s => view with { Reason = s.Reason },
            ExecutionResumedEvent r => view with { Reason = r.Reason },
            ExecutionRewoundEvent r => view with { Reason = r.Reason },
            TaskScheduledEvent t => view with { Name = t.Name, Data = t.Input },
            TaskCompletedEvent t => view with { ScheduledId = t.TaskScheduledId, Data = t.Result },
            TaskFailedEvent t => view with { ScheduledId = t.TaskScheduledId, Failure = t.FailureDetails.ToView() ?? new FailureView("Unknown", t.Reason ?? "", t.Details) },
            SubOrchestrationInstanceCreatedEvent s => view with { Name = s.Name, InstanceId = s.InstanceId, Data = s.Input },
            SubOrchestrationInstanceCompletedEvent s => view with { ScheduledId = s.TaskScheduledId, Data = s.Result },
            SubOrchestrationInstanceFailedEvent s => view with { ScheduledId = s.TaskScheduledId, Failure = s.FailureDetails.ToView() ?? new FailureView("Unknown", s.Reason ?? "", s.Details) },
            TimerCreatedEvent t => view with { FireAt = t.FireAt },
            TimerFiredEvent t => view with { ScheduledId = t.TimerId, FireAt = t.FireAt },
            EventRaisedEvent r => view with { Name = r.Name, Data = r.Input },
            EventSentEvent s => view with { Name = s.Name, InstanceId = s.InstanceId, Data = s.Input },
            _ => view,
        };
    }

    private static string? TraceIdOf(string? traceParent) =>
        System.Diagnostics.ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>The SDK's and the core's status enums share their names; the contract's do too.</summary>
    private static InstanceStatus Status(string name) =>
        Enum.TryParse<InstanceStatus>(name, out var status) ? status : throw new ArgumentOutOfRangeException(nameof(name), name, "An orchestration status the HTTP contract does not know.");

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
