using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.Hosting;
using Veil.Storage;
using Veil.TaskHub.Authoring;
using Veil.TaskHub.Client;
using Veil.TaskHub.Diagnostics;
using Veil.TaskHub.Hosting;

namespace Veil.TaskHub;

public static class TaskHubExtensions
{
    /// <summary>
    /// The SDK's <see cref="DurableTaskClient"/> over the task hub, its options bound from <c>DurableTask</c> and
    /// validated at start, and the count of the framework's warnings. Payloads are written with the registered
    /// <see cref="DataConverter"/> (the SDK's JSON default unless the application registered its own first).
    /// </summary>
    public static IServiceCollection AddTaskHubClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddVeilStorage(configuration);
        services.AddCheckedOptions<TaskHubOptions>(configuration, TaskHubOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataConverter>(JsonDataConverter.Default);
        services.TryAddSingleton<EngineWarnings>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<EngineWarnings>());
        services.TryAddSingleton<AzureStorageTaskHub>();
        services.TryAddSingleton<AzureStorageDurableTaskClient>();
        services.TryAddSingleton<DurableTaskClient>(sp => sp.GetRequiredService<AzureStorageDurableTaskClient>());
        return services;
    }

    /// <summary>
    /// The client, and a worker in this process running what <paramref name="register"/> adds to the SDK's registry
    /// and the <see cref="Checkpoints"/> activity.
    /// </summary>
    public static IServiceCollection AddTaskHubWorker(this IServiceCollection services, IConfiguration configuration, Action<DurableTaskRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        services.AddTaskHubClient(configuration);
        var registry = new DurableTaskRegistry();
        register(registry);
        Checkpoints.Register(registry);
        services.AddSingleton(registry);
        services.AddHostedService<TaskHubWorkerService>();
        return services;
    }
}
