using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Veil.Hosting;
using Veil.Shared.Contracts;
using Veil.TaskHub;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Hosts;
using Veil.Orchestrations.Servers;
using Veil.Orchestrations.Telemetry;
using Veil.ServiceDefaults;

namespace Veil.Orchestrations;

public static class OrchestrationsExtensions
{
    /// <summary>How orchestration inputs, outputs and events are written: as Veil writes its messages (VeilJson).</summary>
    public static DataConverter DataConverter { get; } = new JsonDataConverter(VeilJson.Options);

    /// <summary>The boot workflow: durable worker with its orchestrators and activities, ledger, registry, host-events trigger.</summary>
    public static IHostApplicationBuilder AddVeilOrchestrations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddCheckedOptions<BootOptions>(builder.Configuration, BootOptions.Section);
        services.AddCheckedOptions<Images.ImageOptions>(builder.Configuration, Images.ImageOptions.Section);
        services.AddCheckedOptions<Quotas.QuotaOptions>(builder.Configuration, Quotas.QuotaOptions.Section);
        services.AddSingleton(DataConverter);
        services.AddTaskHubWorker(builder.Configuration, r => r
            .AddOrchestrator<BootServer>()
            .AddOrchestrator<DeleteServer>()
            .AddOrchestrator<PowerServer>()
            .AddActivity<SelectHosts>()
            .AddActivity<ClaimAsid>()
            .AddActivity<ReleaseAsid>()
            .AddActivity<SpawnServer>()
            .AddActivity<SendHostCommand>()
            .AddActivity<RecordOutcome>()
            .AddActivity<ReadDeleteSubject>()
            .AddActivity<TerminateBoot>()
            .AddActivity<FinishDelete>()
            .AddActivity<RecordPowerOutcome>());
        services.AddSingleton<HostCommands>();
        services.AddSingleton<AsidLedger>();
        services.AddSingleton<HostRegistry>();
        services.AddSingleton<HostReports>();
        services.AddSingleton(sp => new HostEnrollments(sp.GetRequiredService<Veil.Storage.StorageAccount>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BootOptions>>().Value.HostEventsQueue, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ServerStore>();
        services.AddSingleton<PlacementAccounts>();
        services.AddSingleton<ServerService>();
        services.AddSingleton<ServerOrchestrations>();
        services.AddSingleton<Catalog.CatalogStore>();
        services.AddSingleton<Images.ImageUploads>();
        services.AddSingleton<KeyPairs.KeyPairStore>();
        services.AddSingleton<Quotas.QuotaStore>();
        services.AddSingleton<ClaimReconciler>();
        services.AddHostedService<HostEventsListener>();
        services.AddHostedService<ClaimReconcilerService>();
        services.AddCheckedOptions<TelemetryOptions>(builder.Configuration, TelemetryOptions.Section);
        if (ServiceDefaultsExtensions.ExportsTelemetry(builder.Configuration))
        {
            services.AddHostedService<FleetGauges>();
        }

        return builder;
    }
}
