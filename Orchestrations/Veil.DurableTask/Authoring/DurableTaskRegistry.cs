using Microsoft.Extensions.DependencyInjection;

namespace Veil.DurableTask;

/// <summary>The orchestrators and activities a worker can run, by name (the class name unless told otherwise).</summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> activities = new(StringComparer.Ordinal);

    public DurableTaskRegistry AddOrchestrator<T>(string? name = null)
        where T : class, ITaskOrchestrator =>
        Add(orchestrators, name ?? typeof(T).Name, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public DurableTaskRegistry AddActivity<T>(string? name = null)
        where T : class, ITaskActivity =>
        Add(activities, name ?? typeof(T).Name, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) =>
        Add(orchestrators, name, _ => new FuncOrchestrator<TInput, TOutput>(run));

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run) =>
        Add(activities, name, _ => new FuncActivity<TInput, TOutput>(run));

    internal ITaskOrchestrator? CreateOrchestrator(string name, IServiceProvider services) =>
        orchestrators.TryGetValue(name, out var create) ? create(services) : null;

    internal ITaskActivity? CreateActivity(string name, IServiceProvider services) =>
        activities.TryGetValue(name, out var create) ? create(services) : null;

    private DurableTaskRegistry Add<T>(Dictionary<string, Func<IServiceProvider, T>> map, string name, Func<IServiceProvider, T> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!map.TryAdd(name, create))
        {
            throw new ArgumentException($"'{name}' is registered twice.", nameof(name));
        }

        return this;
    }

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}
