using System.Security.Cryptography;
using System.Xml.Linq;
using Veil.Shared.Attestation;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>
/// The host computes an SEV-SNP guest's expected measurement when it spawns it, from the firmware its descriptor
/// names (the fixture carries edk2's AmdSev build), the vCPUs in the XML and its own CPU signature.
/// </summary>
public sealed class LaunchMeasurementTests
{
    private static readonly string FixtureFirmware = Path.Combine(RepoPaths.HostFixture("genoa-snp"), "usr", "share", "edk2", "ovmf", "OVMF.amdsev.fd");

    [Fact]
    public async Task AnSnpSpawn_AnswersWithTheMeasurementOfItsFirmwareVCpusAndTheHostsSignature()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.NewSnp("measured") with { VCpus = 3 };

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var spawned = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, spawned.Outcome);
        var attestation = spawned.Attestation!;
        Assert.Null(attestation.Problem);
        var bytes = File.ReadAllBytes(FixtureFirmware);
        var expected = SnpLaunchDigest.Compute(OvmfImage.Parse(bytes), new SnpLaunchInputs(3, new CpuSignature(0x00a10f11)));
        Assert.Equal(Convert.ToHexStringLower(expected), attestation.Measurement);
        Assert.Equal("/usr/share/edk2/ovmf/OVMF.amdsev.fd", attestation.FirmwarePath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), attestation.FirmwareSha256);
        Assert.Equal((3, "0x00a10f11", "0x1", "0x00030000"), (attestation.VCpus, attestation.CpuSignature, attestation.SevFeatures, attestation.Policy));
        Assert.Null(attestation.KernelSha256);
        Assert.Empty(attestation.Problems());

        // The report will carry the server's HOST_DATA, which the domain gives the PSP.
        var hostData = (string?)XDocument.Parse(spawned.DomainXml!).Root!.Element("launchSecurity")?.Element("hostData");
        Assert.Equal(ServerHostData.Of(guest.ServerId), Convert.FromBase64String(hostData!));
        Assert.Equal(Convert.ToHexStringLower(ServerHostData.Of(guest.ServerId)), attestation.HostData);
    }

    [Fact]
    public async Task AnSnpDirectKernelBoot_MeasuresTheKernelInitrdAndCommandLineItWasGiven()
    {
        var files = Directory.CreateTempSubdirectory("veil-kernel-").FullName;
        try
        {
            ImageFile Write(string name, byte[] content)
            {
                File.WriteAllBytes(Path.Combine(files, name), content);
                return new ImageFile("file://" + Path.Combine(files, name), content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
            }

            var (kernel, initrd) = (RandomNumberGenerator.GetBytes(30_000), RandomNumberGenerator.GetBytes(9_000));
            await using var worker = new SimulatedHostWorker("genoa-snp");
            await worker.StartAsync();
            var guest = GuestSpecBuilder.Encrypted("amd-sev-snp", ("os_command_line", "console=ttyS0")) with
            {
                Name = "kernel-measured", ServerId = Guid.NewGuid(), VCpus = 1, Image = new GuestImage(Kernel: Write("vmlinuz", kernel), Initrd: Write("initrd", initrd)),
            };

            await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
            var spawned = await worker.NextEventAsync();

            Assert.Equal(HostCommandOutcome.Succeeded, spawned.Outcome);
            var attestation = spawned.Attestation!;
            var hashes = KernelHashes.Of(new MemoryStream(kernel), new MemoryStream(initrd), "console=ttyS0");
            var expected = SnpLaunchDigest.Compute(OvmfImage.Parse(File.ReadAllBytes(FixtureFirmware)), new SnpLaunchInputs(1, new CpuSignature(0x00a10f11), Kernel: hashes));
            Assert.Equal(Convert.ToHexStringLower(expected), attestation.Measurement);
            Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(kernel)), Convert.ToHexStringLower(SHA256.HashData(initrd)), "console=ttyS0"), (attestation.KernelSha256, attestation.InitrdSha256, attestation.Cmdline));
            Assert.Equal("yes", (string?)XDocument.Parse(spawned.DomainXml!).Root!.Element("launchSecurity")?.Attribute("kernelHashes"));
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    [Fact]
    public async Task AnSevSpawn_HasNoMeasurementToCheck()
    {
        await using var worker = new SimulatedHostWorker("rome-sev");
        await worker.StartAsync();

        await worker.SendAsync(SimulatedHostWorker.Spawn(GuestSpecBuilder.Encrypted("amd-sev") with { Name = "sev", ServerId = Guid.NewGuid() }));
        var spawned = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, spawned.Outcome);
        Assert.Null(spawned.Attestation);
    }
}
