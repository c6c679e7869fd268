using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.HostWorker.Startup;
using Veil.HostWorker.Storage;
using Veil.Shared.Contracts;

namespace Veil.HostWorker.Reporting;

/// <summary>
/// Keeps the host's published state fresh: a heartbeat (with the list of domains, for reconciliation) every
/// <see cref="HostWorkerOptions.HeartbeatInterval"/>, and a new probe and report every <see cref="HostWorkerOptions.ProbeInterval"/>.
/// Each heartbeat also publishes the guests' console logs that changed. A failed round is logged and tried again next time; a host that cannot write its heartbeat goes stale, which
/// placement notices.
/// </summary>
internal sealed class HostReportPublisher(
    HostFacts facts,
    Hypervisor hypervisor,
    HostReportWriter writer,
    ConsoleLogs consoleLogs,
    ImageCache images,
    IOptions<HostWorkerOptions> options,
    TimeProvider time,
    ILogger<HostReportPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var nextProbe = time.GetUtcNow() + settings.ProbeInterval;
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    if (now >= nextProbe)
                    {
                        facts.Probe();
                        await writer.PublishAsync(HostStartup.Report(facts, hypervisor, images, settings, refusal: null), stoppingToken);
                        nextProbe = now + settings.ProbeInterval;
                    }

                    await writer.HeartbeatAsync(now, stoppingToken);
                    var domains = hypervisor.ListDomains();
                    await writer.PublishDomainsAsync(new HostDomains(settings.HostName, now, domains), stoppingToken);
                    await consoleLogs.PublishChangedAsync(domains.Select(d => d.ServerId), stoppingToken);
                }
                catch (Exception e) when (e is LibvirtException or IOException || Veil.Storage.StorageErrors.IsStorageFailure(e))
                {
                    Logs.ReportFailed(logger, e, settings.HostName);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
