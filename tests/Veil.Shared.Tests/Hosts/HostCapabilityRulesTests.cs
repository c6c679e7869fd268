using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using static Veil.Shared.MemoryEncryption.MemoryEncryptionModel;

namespace Veil.Shared.Tests.Hosts;

public sealed class HostCapabilityRulesTests
{
    private static ChecklistItem Line(HostCapabilities caps, string id) => Assert.Single(caps.Checklist, c => c.Id == id);

    [Fact]
    public void Evaluate_GenoaWithSnp_OffersSevAndSnpButNotSevEs()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("genoa-snp"));

        Assert.Equal([AmdSev, AmdSevSnp], caps.SupportedModels);
        Assert.True(caps.SnpEnabled);
        var hidden = Line(caps, "sev-es.not-disabled-by-snp");
        Assert.Equal(ChecklistStatus.NotMet, hidden.Status);
        Assert.Contains(AmdSevEs, hidden.Gates);
        Assert.Contains(caps.Warnings, w => w.Contains("SEV-ES is reported unsupported because SEV-SNP is enabled", StringComparison.Ordinal));
        Assert.Equal([hidden], caps.Blocking(AmdSevEs));
    }

    [Fact]
    public void Evaluate_GenoaWithSnp_ProviderTreeHasSevAndSnpChildrenWithTraitsInventoriesAndAsids()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("genoa-snp"));

        Assert.Collection(caps.Providers,
            root =>
            {
                Assert.Equal(("genoa-snp", (string?)null), (root.Name, root.ParentName));
                Assert.Equal([Traits.StatelessFirmware], root.Traits);
                Assert.Empty(root.Inventories);
            },
            sev =>
            {
                Assert.Equal(("genoa-snp_amd_sev", "genoa-snp"), (sev.Name, sev.ParentName));
                Assert.Equal([Traits.AmdSev], sev.Traits);
                Assert.Equal(new Inventory(907), sev.Inventories[ResourceClasses.MemEncryptionContext]);
                Assert.Equal(new AsidRange(100, 1006), sev.Asids);
            },
            snp =>
            {
                Assert.Equal(("genoa-snp_amd_sev_snp", "genoa-snp"), (snp.Name, snp.ParentName));
                Assert.Equal([Traits.AmdSevSnp], snp.Traits);
                Assert.Equal(new Inventory(99, Reserved: 0, MinUnit: 1, MaxUnit: 1, StepSize: 1, AllocationRatio: 1.0), snp.Inventories[ResourceClasses.MemEncryptionContext]);
                Assert.Equal(new AsidRange(1, 99), snp.Asids);
            });
        Assert.Equal((51, 1), (caps.CBitPos!.Value, caps.ReducedPhysBits!.Value));
    }

    [Fact]
    public void Evaluate_RomeSevOnly_OffersSevAloneWithReasonsForTheOthers()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("rome-sev"));

        Assert.Equal([AmdSev], caps.SupportedModels);
        Assert.Equal(["rome-sev", "rome-sev_amd_sev"], caps.Providers.Select(p => p.Name));
        Assert.Equal(new AsidRange(1, 509), caps.ProviderFor(AmdSev)!.Asids);
        Assert.Empty(caps.Providers[0].Traits);
        Assert.Equal(
            ["kvm_amd.sev_es", "domcaps.maxESGuests", "qemu.amd-sev-es"],
            caps.Blocking(AmdSevEs).Select(c => c.Id));
        Assert.Equal(
            ["kvm_amd.sev_snp", "cpuinfo.sev_snp", "domcaps.maxESGuests", "domcaps.sev-snp", "qemu.amd-sev-snp", "libvirt.amd-sev-snp", "kernel.amd-sev-snp", "firmware.amd-sev-snp"],
            caps.Blocking(AmdSevSnp).Select(c => c.Id));
        var snpSwitch = Line(caps, "kvm_amd.sev_snp");
        Assert.Equal("(file missing)", snpSwitch.Observed);
        Assert.Contains("enable SEV-SNP in the BIOS", snpSwitch.Remedy, StringComparison.Ordinal);
        var qemu = Line(caps, "qemu.amd-sev-snp");
        Assert.Equal(("QEMU 7.2.15", "upgrade QEMU to 9.1.0 or later"), (qemu.Observed, qemu.Remedy));
        Assert.Equal("QEMU >= 9.1.0 for SEV-SNP", qemu.Requirement);
    }

    [Fact]
    public void Evaluate_RomeSevOnly_FlagsCpuAndKvmDisagreement()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("rome-sev"));

        var agreement = Line(caps, "cpuinfo.agrees-with-kvm_amd");
        Assert.Equal(ChecklistStatus.NotMet, agreement.Status);
        Assert.Equal("the CPU has sev_es but kvm_amd's sev_es is off", agreement.Observed);
        Assert.Empty(agreement.Gates);
    }

    [Fact]
    public void Evaluate_IntelHost_OffersNothingAndHasOnlyTheRootProvider()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("intel-none"));

        Assert.Empty(caps.SupportedModels);
        Assert.Equal(["intel-none"], caps.Providers.Select(p => p.Name));
        Assert.Equal(ChecklistStatus.NotMet, Line(caps, "domcaps.sev").Status);
        Assert.Equal("supported='no'", Line(caps, "domcaps.sev").Observed);
        Assert.Equal(ChecklistStatus.NotMet, Line(caps, "kvm_amd.sev").Status);
        Assert.Equal(ChecklistStatus.NotMet, Line(caps, "cpuinfo.sev").Status);
    }

    [Fact]
    public void Evaluate_EveryLine_MetLinesHaveNoRemedyAndOthersSayWhatToDo()
    {
        foreach (var host in new[] { "genoa-snp", "rome-sev", "intel-none" })
        {
            var caps = HostCapabilityRules.Evaluate(HostFixture.Load(host));

            Assert.Equal(caps.Checklist.Count, caps.Checklist.Select(c => c.Id).Distinct().Count());
            Assert.All(caps.Checklist, c => Assert.Equal(c.Status == ChecklistStatus.Met, c.Remedy is null));
            Assert.All(caps.Checklist, c => Assert.False(string.IsNullOrWhiteSpace(c.Observed)));
        }
    }

    [Fact]
    public void Evaluate_MilanWithSevEsAndOldLibvirt_OffersSevAndSevEs()
    {
        var inputs = HostFixture.Load("genoa-snp") with
        {
            DomainCapabilitiesXml = HostFixture.DomainCapabilities("milan-sev-es-libvirt9.xml"),
            CpuInfo = HostFixture.Load("rome-sev").CpuInfo,
            KvmAmdParameters = new Dictionary<string, string?> { ["sev"] = "Y", ["sev_es"] = "Y" },
            LibvirtVersion = new Version(9, 0, 0),
            QemuVersion = new Version(8, 2, 2),
        };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Equal([AmdSev, AmdSevEs], caps.SupportedModels);
        Assert.False(caps.SnpEnabled);
        Assert.Equal(new AsidRange(1, 99), caps.ProviderFor(AmdSevEs)!.Asids);
        Assert.Equal(new AsidRange(100, 509), caps.ProviderFor(AmdSev)!.Asids);
        Assert.Equal("genoa-snp_amd_sev_es", caps.ProviderFor(AmdSevEs)!.Name);
        Assert.Equal([Traits.AmdSevEs], caps.ProviderFor(AmdSevEs)!.Traits);
    }

    [Fact]
    public void Evaluate_LibvirtWithoutSlotCounts_ReportsUnknownAndOffersNothing()
    {
        var inputs = HostFixture.Load("rome-sev") with { DomainCapabilitiesXml = HostFixture.DomainCapabilities("rome-libvirt7-no-counts.xml") };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Empty(caps.SupportedModels);
        var line = Line(caps, "domcaps.maxGuests");
        Assert.Equal(ChecklistStatus.Unknown, line.Status);
        Assert.Contains("upgrade libvirt or configure the SEV guest limit", line.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ConfiguredLimitWithoutDetection_OffersSevWithTheConfiguredSlots()
    {
        var inputs = HostFixture.Load("rome-sev", configuredLimit: 15) with { DomainCapabilitiesXml = HostFixture.DomainCapabilities("rome-libvirt7-no-counts.xml") };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Equal([AmdSev], caps.SupportedModels);
        Assert.Equal(15, caps.ProviderFor(AmdSev)!.Inventories[ResourceClasses.MemEncryptionContext].Total);
    }

    [Fact]
    public void Evaluate_ConfiguredLimitDiffersFromDetection_OverridesAndWarns()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("rome-sev", configuredLimit: 15));

        Assert.Equal(15, caps.ProviderFor(AmdSev)!.Inventories[ResourceClasses.MemEncryptionContext].Total);
        Assert.Equal(new AsidRange(1, 15), caps.ProviderFor(AmdSev)!.Asids);
        Assert.Equal(ChecklistStatus.NotMet, Line(caps, "config.sev-guest-limit").Status);
        Assert.Contains("the configured SEV guest limit 15 differs from the detected maxGuests 509; the configured value is used.", caps.Warnings);
    }

    [Fact]
    public void Evaluate_ConfiguredLimitOnHostWithoutSev_WarnsThatItIsIgnored()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("intel-none", configuredLimit: 15));

        Assert.Empty(caps.SupportedModels);
        Assert.Contains(caps.Warnings, w => w.Contains("cannot run SEV guests; the limit is ignored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("truncated.xml")]
    [InlineData("odd-values.xml")]
    public void Evaluate_MalformedDomainCapabilities_UnknownLinesAndWarningsNotExceptions(string file)
    {
        var inputs = HostFixture.Load("genoa-snp") with { DomainCapabilitiesXml = HostFixture.DomainCapabilities(file) };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Empty(caps.SupportedModels);
        Assert.Equal(ChecklistStatus.Unknown, Line(caps, "domcaps.sev").Status);
        Assert.NotEmpty(caps.Warnings);
    }

    [Fact]
    public void Evaluate_OddValues_NamesEachUnreadableField()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("genoa-snp") with { DomainCapabilitiesXml = HostFixture.DomainCapabilities("odd-values.xml") });

        Assert.Contains("<sev> has supported='maybe', expected 'yes' or 'no'", caps.Warnings);
        Assert.Contains("<cbitpos> is 'fifty-one', not a non-negative whole number", caps.Warnings);
        Assert.Contains("<maxGuests> is '99999999999999999999', not a non-negative whole number", caps.Warnings);
        Assert.Equal("maxESGuests=12", Line(caps, "domcaps.maxESGuests").Observed);
    }

    [Fact]
    public void Evaluate_NothingReadable_EveryGatingLineUnknownOrNotMet()
    {
        var caps = HostCapabilityRules.Evaluate(new HostProbeInputs { HostName = "blind" });

        Assert.Empty(caps.SupportedModels);
        Assert.Equal(ChecklistStatus.Unknown, Line(caps, "host.arch").Status);
        Assert.Equal(ChecklistStatus.Unknown, Line(caps, "cpuinfo.sev_snp").Status);
        Assert.Equal("domain capabilities unavailable", Line(caps, "domcaps.sev").Observed);
        Assert.Contains("libvirt returned no domain capabilities", caps.Warnings);
    }

    [Fact]
    public void Evaluate_SnpFirmwareDescriptorMissing_SnpNotOfferedAndRemedyNamesTheDescriptor()
    {
        var inputs = HostFixture.Load("genoa-snp");
        inputs = inputs with { FirmwareDescriptors = inputs.FirmwareDescriptors.Where(d => !d.Key.Contains("amdsev-snp", StringComparison.Ordinal)).ToList() };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Equal([AmdSev], caps.SupportedModels);
        Assert.Empty(caps.Providers[0].Traits);
        Assert.Contains("feature 'amd-sev-snp'", Line(caps, "firmware.amd-sev-snp").Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SevEsHostWithDebiansDescriptors_SevEsNotOfferedAndTheLineSaysWhy()
    {
        // Debian's OVMF descriptors list amd-sev but not amd-sev-es: libvirt would refuse every SEV-ES guest at define.
        const string debian = """
            {"interface-types": ["uefi"], "mapping": {"device": "flash", "mode": "split", "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.fd", "format": "raw"}, "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}},
             "targets": [{"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}], "features": ["acpi-s3", "amd-sev", "verbose-dynamic"], "tags": []}
            """;
        var inputs = HostFixture.Load("genoa-snp") with
        {
            DomainCapabilitiesXml = HostFixture.DomainCapabilities("milan-sev-es-libvirt9.xml"),
            CpuInfo = HostFixture.Load("rome-sev").CpuInfo,
            KvmAmdParameters = new Dictionary<string, string?> { ["sev"] = "Y", ["sev_es"] = "Y" },
            LibvirtVersion = new Version(9, 0, 0),
            QemuVersion = new Version(8, 2, 2),
            FirmwareDescriptors = [KeyValuePair.Create("/usr/share/qemu/firmware/60-edk2-x86_64.json", debian)],
        };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Equal([AmdSev], caps.SupportedModels);
        var line = Line(caps, "firmware.amd-sev-es");
        Assert.Equal(ChecklistStatus.NotMet, line.Status);
        Assert.Equal("1 descriptor(s) read, none with amd-sev-es", line.Observed);
        Assert.Contains("amd-sev-es", line.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BrokenFirmwareDescriptor_WarnsAndCarriesOn()
    {
        var inputs = HostFixture.Load("genoa-snp");
        inputs = inputs with { FirmwareDescriptors = [.. inputs.FirmwareDescriptors, KeyValuePair.Create("/etc/qemu/firmware/99-broken.json", "{ not json")] };

        var caps = HostCapabilityRules.Evaluate(inputs);

        Assert.Equal([AmdSev, AmdSevSnp], caps.SupportedModels);
        Assert.Contains(caps.Warnings, w => w.StartsWith("firmware descriptor /etc/qemu/firmware/99-broken.json is not valid JSON", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sev_snp", "garbage", ChecklistStatus.Unknown)]
    [InlineData("sev_snp", "N", ChecklistStatus.NotMet)]
    [InlineData("sev_snp", "1", ChecklistStatus.Met)]
    public void Evaluate_KvmAmdParameterValues_ReadAsNovaDoes(string parameter, string value, ChecklistStatus expected)
    {
        var inputs = HostFixture.Load("genoa-snp");
        var parameters = new Dictionary<string, string?>(inputs.KvmAmdParameters) { [parameter] = value + "\n" };

        var caps = HostCapabilityRules.Evaluate(inputs with { KvmAmdParameters = parameters });

        Assert.Equal(expected, Line(caps, $"kvm_amd.{parameter}").Status);
        Assert.Equal(expected == ChecklistStatus.Met, caps.Supports(AmdSevSnp));
    }

    [Fact]
    public void Evaluate_SnpFlagOnlyInCpuinfo_StillHidesSevEs()
    {
        var inputs = HostFixture.Load("genoa-snp");
        var parameters = new Dictionary<string, string?>(inputs.KvmAmdParameters) { ["sev_snp"] = "N" };

        var caps = HostCapabilityRules.Evaluate(inputs with { KvmAmdParameters = parameters });

        Assert.True(caps.SnpEnabled);
        Assert.Equal([AmdSev], caps.SupportedModels);
        // The two lines agree: kvm_amd's switch is off, and SNP is on in the BIOS, which is what hides SEV-ES.
        Assert.Equal(ChecklistStatus.NotMet, Line(caps, "kvm_amd.sev_snp").Status);
        Assert.Equal("SEV-SNP is enabled in the BIOS (the CPU advertises sev_snp), though kvm_amd's sev_snp is off", Line(caps, "sev-es.not-disabled-by-snp").Observed);
    }

    [Theory]
    [InlineData("N")]
    [InlineData(null)]
    public void Evaluate_KvmAmdSevOffOrAbsent_NoSnpEither_AsNovaRequires(string? sev)
    {
        var inputs = HostFixture.Load("genoa-snp");
        var parameters = new Dictionary<string, string?>(inputs.KvmAmdParameters) { ["sev"] = sev };

        var caps = HostCapabilityRules.Evaluate(inputs with { KvmAmdParameters = parameters });

        Assert.False(caps.Supports(AmdSevSnp));
        Assert.False(caps.Supports(AmdSev));
        Assert.Contains(AmdSevSnp, Line(caps, "kvm_amd.sev").Gates);
        Assert.Null(caps.ProviderFor(AmdSevSnp));
    }

    [Fact]
    public void Evaluate_GenoaFirmware_CarriesSevMetadataAndAKernelHashesArea()
    {
        var caps = HostCapabilityRules.Evaluate(HostFixture.Load("genoa-snp"));

        Assert.Equal(ChecklistStatus.Met, Line(caps, "firmware.snp-metadata").Status);
        Assert.Equal(ChecklistStatus.Met, Line(caps, "firmware.kernel-hashes").Status);
        Assert.Contains("/usr/share/edk2/ovmf/OVMF.amdsev.fd: SEV metadata, and a kernel-hashes area", Line(caps, "firmware.snp-metadata").Observed, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SnpFirmwareWithoutKernelHashes_DiskBootsStillOffered_TheLineSaysWhatDirectKernelBootNeeds()
    {
        var inputs = HostFixture.Load("genoa-snp");
        var debianLike = inputs with { FirmwareImages = inputs.FirmwareImages.ToDictionary(i => i.Key, _ => new FirmwareImageFacts(HasSevMetadata: true, MeasuresKernel: false)) };

        var caps = HostCapabilityRules.Evaluate(debianLike);

        Assert.Contains(AmdSevSnp, caps.SupportedModels);
        var line = Line(caps, "firmware.kernel-hashes");
        Assert.Equal(ChecklistStatus.NotMet, line.Status);
        Assert.Contains("hash-table entry is zero", line.Observed, StringComparison.Ordinal);
        Assert.Contains("AmdSevX64", line.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SnpFirmwareWithoutSevMetadataOrUnreadable_BlocksSnpNamingTheFile()
    {
        var inputs = HostFixture.Load("genoa-snp");
        var file = Assert.Single(inputs.FirmwareImages).Key;

        foreach (var facts in new[] { FirmwareImageFacts.Of(new byte[8192]), FirmwareImageFacts.Of(null, "cannot be read: no such file") })
        {
            var caps = HostCapabilityRules.Evaluate(inputs with { FirmwareImages = new Dictionary<string, FirmwareImageFacts> { [file] = facts } });

            Assert.DoesNotContain(AmdSevSnp, caps.SupportedModels);
            Assert.Contains("firmware.snp-metadata", caps.Blocking(AmdSevSnp).Select(c => c.Id));
            Assert.StartsWith(file + ": ", Line(caps, "firmware.snp-metadata").Observed, StringComparison.Ordinal);
        }
    }
}
