using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Probing;
using Veil.HostWorker.Reporting;
using Veil.HostWorker.Storage;
using Veil.ServiceDefaults;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using Veil.Storage;

namespace Veil.HostWorker.Startup;

/// <summary>
/// Runs before anything takes work: probe the host, apply the SEV-SNP spec's start-up check to the guests already
/// defined, and publish the report. A refused host publishes its refusal (so placement can say why it is skipped)
/// and stops with <see cref="HostStartupRefusedException"/>; it touches no guest.
/// </summary>
internal sealed class HostStartup(
    HostFacts facts,
    Hypervisor hypervisor,
    ImageCache images,
    HostReportWriter writer,
    IOptions<HostWorkerOptions> options,
    TimeProvider time,
    ILogger<HostStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // The probe and its report are a trace of their own: what the host found and published.
        using var probe = VeilTelemetry.StartOperation("probe host");
        probe?.SetTag("veil.host", settings.HostName);
        var capabilities = facts.Probe();
        var domains = hypervisor.ListDomains();
        var refusal = StartupValidation.Refusal(capabilities, domains.Select(d => new DefinedGuest(d.Name, d.ServerId, d.Model)));
        // Storage may be away (restarting, unreachable): wait it out rather than let an outage take the host down.
        await StorageOutage.WaitOutAsync(
            async ct =>
            {
                await writer.PublishAsync(Report(facts, hypervisor, images, settings, refusal), ct);
                await writer.PublishDomainsAsync(new HostDomains(settings.HostName, time.GetUtcNow(), domains), ct);
            },
            (delay, e) => Logs.WaitingForStorage(logger, settings.HostName, "publish its report", delay, e.Message),
            time,
            cancellationToken);
        if (refusal is not null)
        {
            Logs.StartupRefused(logger, settings.HostName, refusal);
            throw new HostStartupRefusedException(refusal);
        }

        Logs.HostReady(
            logger,
            settings.HostName,
            hypervisor.Connection.Uri,
            string.Join(", ", capabilities.SupportedModels.Select(m => m.ToName())),
            domains.Count,
            hypervisor.RestoredDomains);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static HostReport Report(HostFacts facts, Hypervisor hypervisor, ImageCache images, HostWorkerOptions settings, string? refusal) => new(
        settings.HostName,
        refusal is null ? HostStatus.Ready : HostStatus.Refused,
        facts.Capabilities,
        new HostVersions(facts.Inputs.LibvirtVersion?.ToString(), facts.Inputs.QemuVersion?.ToString(), facts.Inputs.KernelRelease),
        hypervisor.Connection.Uri,
        hypervisor.IsSimulated,
        facts.StartedAt,
        facts.ProbedAt,
        refusal,
        settings.EffectiveDomainType,
        images.List());
}
