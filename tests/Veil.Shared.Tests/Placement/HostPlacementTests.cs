using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;
using Veil.Shared.Tests.Hosts;

namespace Veil.Shared.Tests.Placement;

public sealed class HostPlacementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static PlacementHost Host(string fixture, string? name = null, TimeSpan? age = null, Dictionary<string, int>? claimed = null, string? refusal = null)
    {
        var inputs = HostFixture.Load(fixture) with { HostName = name ?? fixture };
        var capabilities = HostCapabilityRules.Evaluate(inputs);
        var report = new HostReport(inputs.HostName, refusal is null ? HostStatus.Ready : HostStatus.Refused, capabilities, new HostVersions("11.0.0", "9.2.1", "6.14"), "test:///x", true, Now, Now, refusal, "test");
        return new PlacementHost(report, Now - (age ?? TimeSpan.FromSeconds(5)), claimed ?? []);
    }

    private static MemoryEncryptionResolution Request(string? model) => model is null
        ? MemoryEncryptionResolver.Resolve(new Dictionary<string, string>(), new Dictionary<string, string>(), null)
        : MemoryEncryptionResolver.Resolve(
            new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = model },
            new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" },
            null);

    [Fact]
    public void ImageNamesAHypervisorType_OnlyHostsOfThatTypeQualify_OthersSayWhy()
    {
        var real = Host("intel-none", "qemu-local");
        real = real with { Report = real.Report with { HypervisorType = "qemu", Simulated = false } };

        var decision = HostPlacement.Select(Request(null), [Host("intel-none"), real, Host("rome-sev")], Now, Window, hypervisorType: "qemu");

        Assert.Equal(["qemu-local"], decision.Candidates.Select(c => c.HostName));
        Assert.Contains("intel-none: hypervisor type test, but the image asks for img_hv_type=qemu", decision.Explain(), StringComparison.Ordinal);
        Assert.Equal(3, HostPlacement.Select(Request(null), [Host("intel-none"), real, Host("rome-sev")], Now, Window).Candidates.Count);
    }

    [Fact]
    public void Snp_OnlyTheSnpHostQualifies_OthersExplained()
    {
        var decision = HostPlacement.Select(Request("amd-sev-snp"), [Host("genoa-snp"), Host("rome-sev"), Host("intel-none")], Now, Window);

        Assert.Equal("genoa-snp", Assert.Single(decision.Candidates).HostName);
        Assert.Equal("genoa-snp_amd_sev_snp", decision.Candidates[0].ProviderName);
        Assert.StartsWith("no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP", decision.Rejections.Single(r => r.HostName == "rome-sev").Reason, StringComparison.Ordinal);
        Assert.StartsWith("no HW_CPU_X86_AMD_SEV_SNP", decision.Rejections.Single(r => r.HostName == "intel-none").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Sev_SpreadsToTheHostWithTheLargestFreeShare_KeepsAlternates()
    {
        var busyGenoa = Host("genoa-snp", claimed: new() { ["genoa-snp_amd_sev"] = 700 });
        var decision = HostPlacement.Select(Request("amd-sev"), [busyGenoa, Host("rome-sev"), Host("intel-none")], Now, Window);

        Assert.Equal(["rome-sev", "genoa-snp"], decision.Candidates.Select(c => c.HostName));
        Assert.Equal(509, decision.Candidates[0].Free);
    }

    [Fact]
    public void FullStaleAndRefusedHosts_LeftOutWithTheirReasons_NoValidHostExplains()
    {
        var full = Host("genoa-snp", claimed: new() { ["genoa-snp_amd_sev_snp"] = 99 });
        var stale = Host("genoa-snp", name: "genoa-2", age: TimeSpan.FromSeconds(95));
        var refused = Host("genoa-snp", name: "genoa-3", refusal: "Refusing to start: SEV-SNP is enabled on host genoa-3, but it has 1 guest with SEV-ES encryption (veil-x).");

        var decision = HostPlacement.Select(Request("amd-sev-snp"), [full, stale, refused], Now, Window);

        Assert.True(decision.NoValidHost);
        var text = decision.Explain();
        Assert.Contains("genoa-snp: no free MEM_ENCRYPTION_CONTEXT on genoa-snp_amd_sev_snp: 99 of 99 in use.", text, StringComparison.Ordinal);
        Assert.Contains("genoa-2: stale heartbeat: last seen 95 s ago (window 60 s).", text, StringComparison.Ordinal);
        Assert.Contains("genoa-3: start-up refused: Refusing to start: SEV-SNP is enabled", text, StringComparison.Ordinal);
        Assert.StartsWith("No valid host was found.", text, StringComparison.Ordinal);
        // The tenant is told the kind of trouble, never a host or another guest.
        Assert.Equal("No valid host was found: every host that offers SEV-SNP is full right now; try again later.", decision.ExplainForTenant("SEV-SNP"));
        Assert.Equal([PlacementRejectionKind.Unavailable, PlacementRejectionKind.Unavailable, PlacementRejectionKind.Full], decision.Rejections.Select(r => r.Kind)); // by host name
    }

    [Fact]
    public void NoHostOffersTheModel_TenantToldToChooseAnother_StaleOnlyToldToWait()
    {
        var rome = Host("rome-sev");
        var stale = Host("genoa-snp", age: TimeSpan.FromSeconds(95));

        var notOffered = HostPlacement.Select(Request("amd-sev-snp"), [rome], Now, Window);
        var away = HostPlacement.Select(Request("amd-sev-snp"), [stale], Now, Window);

        Assert.Equal("No valid host was found: no available host offers SEV-SNP; choose a flavor with another memory-encryption model.", notOffered.ExplainForTenant("SEV-SNP"));
        Assert.Equal("No valid host was found: no host is available right now; try again later.", away.ExplainForTenant("SEV-SNP"));
        Assert.DoesNotContain("rome", notOffered.ExplainForTenant("SEV-SNP"), StringComparison.Ordinal);
    }

    [Fact]
    public void Unencrypted_AnyReadyFreshHost()
    {
        var decision = HostPlacement.Select(Request(null), [Host("intel-none"), Host("rome-sev", age: TimeSpan.FromMinutes(5))], Now, Window);

        Assert.Equal("intel-none", Assert.Single(decision.Candidates).HostName);
        Assert.Null(decision.Candidates[0].ProviderName);
    }

    [Fact]
    public void TenThousandHosts_DecisionIsCorrect()
    {
        var hosts = Enumerable.Range(0, 10_000).Select(i => Host(i % 3 == 0 ? "genoa-snp" : "rome-sev", name: $"h{i:D5}", claimed: new() { [$"h{i:D5}_amd_sev_snp"] = i % 99 })).ToList();

        var decision = HostPlacement.Select(Request("amd-sev-snp"), hosts, Now, Window);

        Assert.Equal(3, decision.Candidates.Count);
        Assert.All(decision.Candidates, c => Assert.Equal(99, c.Free));
        Assert.Equal(10_000 - 3334, decision.Rejections.Count(r => r.Reason.StartsWith("no HW_CPU_X86_AMD_SEV_SNP", StringComparison.Ordinal)));
    }

    [Fact]
    public void MultiCreate_EquallyFreeHosts_EachServerOfTheRequestGetsAnotherHost()
    {
        PlacementHost[] hosts = [Host("intel-none", "a"), Host("intel-none", "b"), Host("intel-none", "c")];

        var chosen = Enumerable.Range(0, 3).Select(i => HostPlacement.SelectForMember(Request(null), hosts, Now, Window, i).Candidates[0].HostName);

        Assert.Equal(["a", "b", "c"], chosen);
    }

    [Fact]
    public void MultiCreate_SevOnTwoHosts_AlternatesAsEachServerTakesASlot_AndKeepsTheOthersAsAlternates()
    {
        PlacementHost[] hosts = [Host("rome-sev", "rome-1"), Host("rome-sev", "rome-2")];

        var decisions = Enumerable.Range(0, 3).Select(i => HostPlacement.SelectForMember(Request("amd-sev"), hosts, Now, Window, i)).ToList();

        Assert.Equal(["rome-1", "rome-2", "rome-1"], decisions.Select(d => d.Candidates[0].HostName));
        Assert.Equal([509, 509, 508], decisions.Select(d => d.Candidates[0].Free));
        Assert.Equal("rome-2", decisions[2].Candidates[1].HostName);
    }

    [Fact]
    public void MultiCreate_LaterServersOfTheRequestFindTheSlotsTheEarlierOnesTook()
    {
        var nearlyFull = Host("genoa-snp", claimed: new() { ["genoa-snp_amd_sev_snp"] = 97 });

        var third = HostPlacement.SelectForMember(Request("amd-sev-snp"), [nearlyFull], Now, Window, 2);

        Assert.True(third.NoValidHost);
        Assert.Contains("99 of 99 in use", Assert.Single(third.Rejections).Reason, StringComparison.Ordinal);
        Assert.Equal(1, HostPlacement.SelectForMember(Request("amd-sev-snp"), [nearlyFull], Now, Window, 1).Candidates[0].Free);
    }
}
