namespace Veil.DurableTask;

/// <summary>The kinds of event an orchestration's history holds (Durable Task's names).</summary>
public enum EventType
{
    ExecutionStarted,
    ExecutionCompleted,
    ExecutionTerminated,
    ExecutionSuspended,
    ExecutionResumed,
    ExecutionRewound,
    ContinueAsNew,
    OrchestratorStarted,
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
}
