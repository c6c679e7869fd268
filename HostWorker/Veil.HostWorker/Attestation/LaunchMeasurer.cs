using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Probing;
using Veil.Shared.Attestation;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;

namespace Veil.HostWorker.Attestation;

/// <summary>
/// Computes what an SEV-SNP guest's attestation report must carry, right after its domain is defined: from the
/// firmware file libvirt chose for it (its <c>&lt;loader&gt;</c>, or the host's SNP firmware descriptor), the vCPUs in
/// its XML, this host's CPU signature (the guest's, under <c>host-passthrough</c>) and the kernel files it boots.
/// </summary>
public sealed class LaunchMeasurer(HostFacts facts, IOptions<HostWorkerOptions> options)
{
    /// <summary>The expected measurement of <paramref name="guest"/> as <paramref name="domainXml"/> defines it; never throws for the host's files.</summary>
    public ExpectedMeasurement Measure(GuestSpec guest, string domainXml)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var domain = XElement.Parse(domainXml);
        var vcpus = int.TryParse(domain.Element("vcpu")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : guest.VCpus;
        var launch = domain.Element("launchSecurity");
        var firmwarePath = FirmwarePath(domain);
        var signature = domain.Element("cpu")?.Attribute("mode")?.Value == "host-passthrough" ? CpuSignature.FromCpuinfo(facts.Inputs.CpuInfo ?? "") : null;
        var expected = new ExpectedMeasurement
        {
            FirmwarePath = firmwarePath ?? "",
            VCpus = vcpus,
            CpuSignature = signature?.ToString(),
            SevFeatures = $"0x{SnpLaunchDigest.SnpActive:x}",
            Cmdline = guest.BootsKernelDirectly ? domain.Element("os")?.Element("cmdline")?.Value ?? "" : null,
            Policy = launch?.Element("policy")?.Value ?? MemoryEncryptionModel.AmdSevSnp.Info().PolicyText,
            HostData = Convert.ToHexStringLower(ServerHostData.Of(guest.ServerId)),
        };
        if (firmwarePath is null)
        {
            return expected with { Problem = "libvirt named no firmware file for the guest, and this host has no SEV-SNP firmware descriptor with a memory mapping" };
        }

        if (signature is not { } cpu)
        {
            return expected with { Problem = "the guest's vCPU signature is not known: its CPU is not host-passthrough, or this host's /proc/cpuinfo names no family, model and stepping" };
        }

        try
        {
            var firmware = OvmfImage.Parse(File.ReadAllBytes(OnHost(firmwarePath)));
            var kernel = guest.BootsKernelDirectly ? Kernel(guest, expected.Cmdline) : null;
            var firmwareDigest = SnpLaunchDigest.OfFirmware(firmware);
            return expected with
            {
                Measurement = Convert.ToHexStringLower(SnpLaunchDigest.Compute(firmware, new SnpLaunchInputs(vcpus, cpu, SnpLaunchDigest.SnpActive, kernel), firmwareDigest)),
                FirmwareSha256 = Convert.ToHexStringLower(firmware.Sha256()),
                FirmwareDigest = Convert.ToHexStringLower(firmwareDigest),
                KernelSha256 = kernel is null ? null : Convert.ToHexStringLower(kernel.Kernel),
                InitrdSha256 = kernel is null ? null : Convert.ToHexStringLower(kernel.Initrd),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return expected with { Problem = $"the firmware or kernel files could not be read: {e.Message}" };
        }
        catch (OvmfFormatException e)
        {
            return expected with { Problem = $"{firmwarePath} cannot be measured ({e.Part}): {e.Message}" };
        }
    }

    /// <summary>The loader libvirt wrote into the domain, else the file of this host's SNP descriptor (memory mapping).</summary>
    private string? FirmwarePath(XElement domain)
    {
        if (domain.Element("os")?.Element("loader")?.Value is { Length: > 0 } loader)
        {
            return loader;
        }

        return FirmwareDescriptorReader.OfferingSnp(facts.Inputs.FirmwareDescriptors).FirstOrDefault(d => d.MappingDevice == "memory")?.MappingFilename;
    }

    private KernelHashes Kernel(GuestSpec guest, string? cmdline)
    {
        var files = new InstanceFiles(options.Value.EffectiveInstancesPath, guest.ServerId);
        using var kernel = File.OpenRead(files.Kernel);
        using var initrd = guest.HasInitrd ? File.OpenRead(files.Initrd) : null;
        return KernelHashes.Of(kernel, initrd, cmdline);
    }

    /// <summary>A host path, under the fixture root on a simulated host.</summary>
    private string OnHost(string path) =>
        options.Value.FixtureRoot is { } root ? Path.Combine(root, path.TrimStart('/')) : path;
}
