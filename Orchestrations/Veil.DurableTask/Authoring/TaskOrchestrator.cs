namespace Veil.DurableTask;

/// <summary>An orchestrator the engine can run without knowing its types.</summary>
public interface ITaskOrchestrator
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// A durable orchestration: code that is replayed from its history, so it must be deterministic — time from
/// <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, ids from <see cref="TaskOrchestrationContext.NewGuid"/>,
/// I/O only through activities.
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    Type ITaskOrchestrator.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}
