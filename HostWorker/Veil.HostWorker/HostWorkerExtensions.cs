using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Veil.Hosting;
using Veil.HostWorker.Commands;
using Veil.HostWorker.Credentials;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Probing;
using Veil.HostWorker.Reporting;
using Veil.HostWorker.Storage;
using Veil.HostWorker.Startup;

namespace Veil.HostWorker;

public static class HostWorkerExtensions
{
    /// <summary>Everything a HostWorker runs: start-up check, report publisher and the command queue trigger.</summary>
    public static IHostApplicationBuilder AddHostWorker(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddCheckedOptions<HostWorkerOptions>(builder.Configuration, HostWorkerOptions.Section);
        services.AddSingleton<HostStorage>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Hypervisor>();
        services.AddSingleton<HostFacts>();
        services.AddSingleton<HostReportWriter>();
        services.AddSingleton<ConsoleLogs>();
        services.AddSingleton<ImageCache>();
        services.AddSingleton<GuestStorage>();
        services.AddSingleton<HostCommandHandler>();
        services.AddSingleton<Attestation.LaunchMeasurer>();
        services.AddSingleton<AnsweredCommands>();
        services.AddSingleton<DestroyedServers>();

        // Hosted services start in this order: the host name is this worker's before anything is published, and
        // the start-up check finishes before any command is taken.
        services.AddHostedService<HostNameLease>();
        services.AddHostedService<HostStartup>();
        services.AddHostedService<HostReportPublisher>();
        services.AddHostedService<HostCommandListener>();
        return builder;
    }
}
