using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using static Veil.Shared.MemoryEncryption.MemoryEncryptionModel;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>The probe reads the three simulated hosts (fixture roots) through the same code a real host uses.</summary>
public sealed class HostProbeTests : IDisposable
{
    private readonly LibvirtConnection connection = LibvirtConnection.Open("test:///default");

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "hosts", name);

    private HostCapabilities Probe(string host, int? limit = null)
    {
        var options = HostProbeOptions.ForFixture(host, Fixture(host));
        options.SevGuestLimit = limit;
        return HostCapabilityRules.Evaluate(new HostProbe(connection, options).Read());
    }

    [Theory]
    [InlineData("genoa-snp", new[] { AmdSev, AmdSevSnp }, new[] { "genoa-snp", "genoa-snp_amd_sev", "genoa-snp_amd_sev_snp" })]
    [InlineData("rome-sev", new[] { AmdSev }, new[] { "rome-sev", "rome-sev_amd_sev" })]
    [InlineData("intel-none", new MemoryEncryptionModel[0], new[] { "intel-none" })]
    public void Read_Fixture_ModelsAndProviderTree(string host, MemoryEncryptionModel[] models, string[] providers)
    {
        var caps = Probe(host);

        Assert.Equal(models, caps.SupportedModels);
        Assert.Equal(providers, caps.Providers.Select(p => p.Name));
    }

    [Fact]
    public void Read_Genoa_FirmwareDescriptorsReadFromTheRootWithHostPaths()
    {
        var inputs = new HostProbe(connection, HostProbeOptions.ForFixture("genoa-snp", Fixture("genoa-snp"))).Read();

        Assert.Equal(
            ["/usr/share/qemu/firmware/30-edk2-ovmf-x86_64-amdsev-snp.json", "/usr/share/qemu/firmware/60-edk2-ovmf-x86_64-4m.json"],
            inputs.FirmwareDescriptors.Select(d => d.Key));
        Assert.Equal("Y\n", inputs.KvmAmdParameters[KvmAmdParameter.SevSnp]);
        Assert.Equal(new Version(11, 0, 0), inputs.LibvirtVersion);
    }

    [Fact]
    public void Read_LiveTestDriverWithoutRecordings_AsksLibvirtAndFindsNoSev()
    {
        var empty = Directory.CreateTempSubdirectory("veil-root-");
        try
        {
            var inputs = new HostProbe(connection, new HostProbeOptions { HostName = "live", Root = empty.FullName }).Read();
            var caps = HostCapabilityRules.Evaluate(inputs);

            Assert.Contains("<sev supported='no'/>", inputs.DomainCapabilitiesXml, StringComparison.Ordinal);
            Assert.Equal(connection.LibraryVersion, inputs.LibvirtVersion);
            Assert.Empty(caps.SupportedModels);
            Assert.Equal(ChecklistStatus.NotMet, caps.Checklist.Single(c => c.Id == "domcaps.sev").Status);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Read_ConfiguredLimit_PassedToTheRules()
    {
        var caps = Probe("rome-sev", limit: 15);

        Assert.Equal(15, caps.ProviderFor(AmdSev)!.Inventories[ResourceClasses.MemEncryptionContext].Total);
    }

    [Fact]
    public void Read_CorruptVersionsFile_UnknownVersionsNotAnException()
    {
        var root = Directory.CreateTempSubdirectory("veil-root-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "versions.json"), "{ nope");
            var caps = HostCapabilityRules.Evaluate(new HostProbe(connection, HostProbeOptions.ForFixture("broken", root.FullName)).Read());

            Assert.Equal(ChecklistStatus.Unknown, caps.Checklist.Single(c => c.Id == "qemu.amd-sev").Status);
            Assert.Empty(caps.SupportedModels);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    public void Dispose() => connection.Dispose();
}
