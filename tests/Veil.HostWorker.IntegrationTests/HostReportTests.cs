using Veil.HostWorker.Startup;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>What a HostWorker publishes about its host (signed messages, its own container), read back from the real Azurite.</summary>
public sealed class HostReportTests
{
    [Fact]
    public async Task Start_GenoaSnp_PublishesReadyReportWithProviderTreeAndHeartbeat()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();

        await worker.UntilAsync(() => worker.Reports.Count > 0, "its report");
        var report = worker.Reports[0];
        Assert.Equal(HostStatus.Ready, report.Status);
        Assert.Null(report.Refusal);
        Assert.True(report.Simulated);
        Assert.Equal("11.0.0", report.Versions.Libvirt);
        Assert.Equal([MemoryEncryptionModel.AmdSev, MemoryEncryptionModel.AmdSevSnp], report.Capabilities.SupportedModels);
        var snp = report.Capabilities.ProviderFor(MemoryEncryptionModel.AmdSevSnp)!;
        Assert.Equal($"{worker.HostName}_amd_sev_snp", snp.Name);
        Assert.Contains("HW_CPU_X86_AMD_SEV_SNP", snp.Traits);
        Assert.Equal(99, snp.Inventories["MEM_ENCRYPTION_CONTEXT"].Total);
        Assert.Contains(report.Capabilities.Checklist, c => c.Id == "sev-es.not-disabled-by-snp");

        await worker.UntilAsync(() => worker.Heartbeats.Count >= 2, "two heartbeats");
        Assert.True(worker.Heartbeats[1].At > worker.Heartbeats[0].At, "the second heartbeat is not later than the first");
    }

    [Fact]
    public async Task Heartbeat_ListsTheHostsDomainsForReconciliation()
    {
        await using var worker = new SimulatedHostWorker("rome-sev");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid() };
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        await worker.NextEventAsync();

        await Eventually.Until(
            () => ReadDomainsAsync(worker),
            domains => domains.Domains.Any(d => d.ServerId == guest.ServerId && d.Model == MemoryEncryptionModel.AmdSev && d.State == "running"),
            domains => $"the heartbeat lists {domains.Domains.Count} domains, not the running SEV guest");
    }

    [Fact]
    public async Task Start_SnpHostWithSevEsGuest_RefusesNamingTheGuestAndPublishesRefusal()
    {
        var state = Directory.CreateTempSubdirectory("veil-host-");
        var esGuest = GuestSpecBuilder.Encrypted("amd-sev-es") with { ServerId = Guid.NewGuid(), Name = "legacy-es" };
        var xml = GuestDomainXml.Build(esGuest, new GuestHostParameters { DomainType = "test", CpuMode = null });
        Directory.CreateDirectory(Path.Combine(state.FullName, "domains"));
        await File.WriteAllTextAsync(Path.Combine(state.FullName, "domains", $"{esGuest.ServerId}.xml"), xml);
        await using var worker = new SimulatedHostWorker("genoa-snp", state.FullName);

        var refused = await Assert.ThrowsAsync<HostStartupRefusedException>(worker.StartAsync);

        Assert.Contains("SEV-SNP is enabled on host", refused.Message, StringComparison.Ordinal);
        Assert.Contains(GuestDomainXml.DomainName(esGuest.ServerId), refused.Message, StringComparison.Ordinal);
        Assert.Contains("Disable SEV-SNP in the BIOS, or migrate or delete these SEV-ES guests", refused.Message, StringComparison.Ordinal);
        await worker.UntilAsync(() => worker.Reports.Count > 0, "its report");
        var report = worker.Reports[0];
        Assert.Equal(HostStatus.Refused, report.Status);
        Assert.Equal(refused.Message, report.Refusal);
        Assert.True(File.Exists(Path.Combine(state.FullName, "domains", $"{esGuest.ServerId}.xml")), "the refused host must not touch its guests");
        state.Delete(recursive: true);
    }

    private static async Task<HostDomains> ReadDomainsAsync(SimulatedHostWorker worker)
    {
        var container = await worker.Storage.ContainerAsync(HostQueues.Container(worker.HostName));
        var content = await container.GetBlobClient(HostQueues.DomainsBlob).DownloadContentAsync();
        return content.Value.Content.ToObjectFromJson<HostDomains>(VeilJson.Options)!;
    }
}
