using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Veil.DurableTask.AzureStorage;
using Veil.DurableTask.Worker;
using Veil.Storage;

namespace Veil.DurableTask;

public static class DurableTaskExtensions
{
    /// <summary>The client (and the task hub's storage), options bound from <c>DurableTask</c> and validated at start.</summary>
    public static IServiceCollection AddDurableTaskClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddVeilStorage(configuration);
        services.AddOptions<DurableTaskOptions>()
            .Bind(configuration.GetSection(DurableTaskOptions.Section))
            .ValidateOnStart();
        services.TryAddSingleton<IValidateOptions<DurableTaskOptions>, DurableTaskOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TaskHub(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value));
        services.TryAddSingleton<LocalSignals>();
        services.TryAddSingleton<PayloadStore>();
        services.TryAddSingleton<HistoryStore>();
        services.TryAddSingleton<InstanceStore>();
        services.TryAddSingleton<MessageSender>();
        services.TryAddSingleton(sp => new DurableTaskClient(
            sp.GetRequiredService<TaskHub>(),
            sp.GetRequiredService<InstanceStore>(),
            sp.GetRequiredService<HistoryStore>(),
            sp.GetRequiredService<MessageSender>(),
            sp.GetRequiredService<PayloadStore>(),
            sp.GetRequiredService<Veil.Storage.Queues.ParkedMessageStore>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>A worker running the orchestrators and activities <paramref name="register"/> names, plus the client.</summary>
    public static IServiceCollection AddDurableTaskWorker(this IServiceCollection services, IConfiguration configuration, Action<DurableTaskRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        services.AddDurableTaskClient(configuration);
        var registry = new DurableTaskRegistry();
        register(registry);
        services.AddSingleton(registry);
        services.AddSingleton<WorkerServices>();
        services.AddHostedService<DurableTaskWorker>();
        return services;
    }

    private sealed class DurableTaskOptionsValidator : IValidateOptions<DurableTaskOptions>
    {
        public ValidateOptionsResult Validate(string? name, DurableTaskOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
