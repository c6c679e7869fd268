using Veil.DurableTask;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Hosts;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations;

public static class OrchestrationsExtensions
{
    /// <summary>The boot workflow: durable worker with its orchestrators and activities, ledger, registry, host-events trigger.</summary>
    public static IHostApplicationBuilder AddVeilOrchestrations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BootOptions>().Bind(builder.Configuration.GetSection(BootOptions.Section))
            .Validate(o => o.MaxAttempts is >= 1 and <= 10, "Boot:MaxAttempts must be between 1 and 10.")
            .Validate(o => o.HostResultTimeout >= TimeSpan.FromSeconds(1), "Boot:HostResultTimeout must be at least 1 second.")
            .ValidateOnStart();
        services.AddDurableTaskWorker(builder.Configuration, r => r
            .AddOrchestrator<BootServer>()
            .AddOrchestrator<DeleteServer>()
            .AddActivity<SelectHosts>()
            .AddActivity<ClaimAsid>()
            .AddActivity<ReleaseAsid>()
            .AddActivity<SendHostCommand>()
            .AddActivity<RecordServer>()
            .AddActivity<ReadServer>()
            .AddActivity<BootSettled>());
        services.AddSingleton<AsidLedger>();
        services.AddSingleton<HostRegistry>();
        services.AddSingleton<ServerStore>();
        services.AddSingleton<ServerService>();
        services.AddSingleton<Catalog.CatalogStore>();
        services.AddSingleton<ClaimReconciler>();
        services.AddHostedService<HostEventsListener>();
        services.AddHostedService<ClaimReconcilerService>();
        return builder;
    }
}
