using System.Text.Json;
using Bunit;
using Veil.Portal.Api;
using Veil.Portal.Components.Pages.Admin;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;

namespace Veil.Portal.Tests;

public sealed class AdminHostsTests : BunitTest
{
    public AdminHostsTests() => SignInAdmin();

    [Fact]
    public void Hosts_ChipsGreenOnlyForWhatAReadyHostWithAFreshHeartbeatOffers_RefusedOrSilentHostsOfferNothing()
    {
        HostView[] hosts = [Host("genoa", HostStatus.Ready, stale: false), Host("genoa-2", HostStatus.Refused, stale: false), Host("genoa-3", HostStatus.Ready, stale: true)];
        Api.Answers["/api/hosts"] = JsonSerializer.Serialize(hosts, VeilJson.Options);

        var page = Render<Hosts>();

        page.WaitForAssertion(() => page.Find("[data-testid=host-genoa-3]"));
        Assert.Equal(("true", "true", "false"), (On(page, "genoa-SNP"), On(page, "genoa-SEV"), On(page, "genoa-SEV-ES")));
        Assert.Equal(("false", "false"), (On(page, "genoa-2-SNP"), On(page, "genoa-3-SNP")));
        Assert.Equal("true", page.Find("[data-testid=chip-genoa-2-SNP]").GetAttribute("data-capable"));
        Assert.Equal("SNP capable, but not offered: the host refused to start", page.Find("[data-testid=chip-genoa-2-SNP]").GetAttribute("aria-label"));
        Assert.Equal("SNP capable, but not offered: no heartbeat", page.Find("[data-testid=chip-genoa-3-SNP]").GetAttribute("aria-label"));
        Assert.Equal("SEV-ES not offered", page.Find("[data-testid=chip-genoa-SEV-ES]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Hosts_RowsThatCannotBeRead_FlaggedWithWhy()
    {
        Api.Answers["/api/hosts"] = JsonSerializer.Serialize(new[] { Host("genoa", HostStatus.Ready, stale: false) }, VeilJson.Options);
        Api.Answers["/api/host-rows/unreadable"] = JsonSerializer.Serialize(
            new[] { new UnreadableHostRow("impostor", "the report names host 'genoa', not the row's", new DateTimeOffset(2026, 12, 7, 17, 0, 0, TimeSpan.Zero)) }, VeilJson.Options);

        var page = Render<Hosts>();

        page.WaitForAssertion(() => page.Find("[data-testid=unreadable-impostor]"));
        Assert.Contains("1 row(s) of the hosts table cannot be read", page.Find("[data-testid=unreadable-rows]").TextContent, StringComparison.Ordinal);
        Assert.Equal("impostor: the report names host 'genoa', not the row's (heartbeat 2026-12-07 17:00:00Z)", page.Find("[data-testid=unreadable-impostor]").TextContent);
        Assert.NotNull(page.Find("[data-testid=host-genoa]"));
    }

    private static string? On(IRenderedComponent<Hosts> page, string chip) => page.Find($"[data-testid=chip-{chip}]").GetAttribute("data-on");

    private static HostView Host(string name, HostStatus status, bool stale)
    {
        var snp = new ResourceProvider($"{name}_amd_sev_snp", name, [Traits.AmdSevSnp], new Dictionary<string, Inventory> { [ResourceClasses.MemEncryptionContext] = new(99) }, MemoryEncryptionModel.AmdSevSnp, new AsidRange(1, 99));
        var root = new ResourceProvider(name, null, [Traits.AmdSev], new Dictionary<string, Inventory>(), null, null);
        var report = new HostReport(name, status, new HostCapabilities(name, [MemoryEncryptionModel.AmdSevSnp], [root, snp], [], [], true, 51, 1),
            new HostVersions("11.3.0", "9.2.1", "6.14"), $"test:///{name}.xml", true, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, status == HostStatus.Refused ? "Refusing to start: SEV-SNP is enabled, but a SEV-ES guest runs here." : null);
        return new HostView(name, report, stale ? DateTimeOffset.UtcNow.AddMinutes(-5) : DateTimeOffset.UtcNow, stale, []);
    }

    [Fact]
    public void Hosts_StaleHeartbeatWarned_ImageCacheAndChecklistCounted()
    {
        var snp = new ResourceProvider("genoa_amd_sev_snp", "genoa", [Traits.AmdSevSnp], new Dictionary<string, Inventory> { [ResourceClasses.MemEncryptionContext] = new(99) }, MemoryEncryptionModel.AmdSevSnp, new AsidRange(1, 99));
        var root = new ResourceProvider("genoa", null, [Traits.AmdSev], new Dictionary<string, Inventory>(), null, null);
        ChecklistItem[] checklist =
        [
            new("bios.snp", "SNP enabled in the BIOS", ChecklistStatus.Met, "sev_snp in cpuinfo", null, [MemoryEncryptionModel.AmdSevSnp]),
            new("qemu.snp", "QEMU 9.1 or newer", ChecklistStatus.NotMet, "QEMU 8.2", "Install QEMU 9.1", [MemoryEncryptionModel.AmdSevSnp]),
        ];
        var report = new HostReport("genoa", HostStatus.Ready, new HostCapabilities("genoa", [MemoryEncryptionModel.AmdSevSnp], [root, snp], checklist, [], true, 51, 1),
            new HostVersions("11.3.0", "9.2.1", "6.14"), "test:///genoa.xml", true, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            ImageCache: [new CachedImageFile(new string('a', 64), 8 << 20), new CachedImageFile(new string('b', 64), 2 << 20)]);
        HostView[] hosts = [new("genoa", report, DateTimeOffset.UtcNow.AddMinutes(-5), true, [new PoolUsage("genoa_amd_sev_snp", "amd-sev-snp", 99, 95, [.. Enumerable.Range(1, 95)])])];
        Api.Answers["/api/hosts"] = JsonSerializer.Serialize(hosts, VeilJson.Options);

        var page = Render<Hosts>();

        page.WaitForAssertion(() => page.Find("[data-testid=host-genoa]"));
        Assert.Contains("No heartbeat since", page.Find("[data-testid=stale-genoa]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Image cache: 2 file(s), 10.0 MiB", page.Find("[data-testid=image-cache-genoa]").TextContent.Trim());
        Assert.Contains("Operator checklist (1 of 2 met)", page.Markup, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=headroom-genoa_amd_sev_snp]"));
    }
}
