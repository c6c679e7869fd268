using System.Text.Json;
using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.HostWorker.Recording;
using Veil.Shared.Hosts;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>record-host, pointed at a fixture as its "live" root and at libvirt's test driver.</summary>
public sealed class HostRecorderTests : IDisposable
{
    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("veil-record-");

    [Fact]
    public void Record_HostRoot_WritesAFixtureTheProbeReads()
    {
        var live = RepoPaths.HostFixture("genoa-snp");
        using var libvirt = LibvirtConnection.Open("test:///default");

        var log = HostRecorder.Record(live, libvirt, output.FullName);

        foreach (var relative in new[] { "proc/cpuinfo", "sys/module/kvm_amd/parameters/sev_snp", "usr/share/qemu/firmware/30-edk2-ovmf-x86_64-amdsev-snp.json" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(live, relative)), File.ReadAllText(Path.Combine(output.FullName, relative)));
        }

        Assert.Contains("recorded /proc/cpuinfo", log);
        using var versions = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "versions.json")));
        Assert.Equal(libvirt.LibraryVersion.ToString(), versions.RootElement.GetProperty("libvirt").GetString());
        Assert.Equal(JsonValueKind.Null, versions.RootElement.GetProperty("kernel").ValueKind);

        var inputs = new HostProbe(libvirt, HostProbeOptions.ForFixture("recorded", output.FullName)).Read();
        var capabilities = HostCapabilityRules.Evaluate(inputs);
        Assert.Contains("sev_snp", CpuInfo.ParseFlags(inputs.CpuInfo)!);
        Assert.Equal(libvirt.LibraryVersion, inputs.LibvirtVersion);

        // The test driver's domain capabilities say SEV is unsupported, and the recorded fixture says so too.
        Assert.Equal(ChecklistStatus.NotMet, capabilities.Checklist.Single(c => c.Id == "domcaps.sev").Status);
    }

    [Fact]
    public void Run_WithoutFolder_PrintsUsageAndExits2() => Assert.Equal(2, HostRecorder.Run([]));

    public void Dispose() => output.Delete(recursive: true);
}
