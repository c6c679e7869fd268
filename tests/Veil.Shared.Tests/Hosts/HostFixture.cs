using System.Text.Json;
using Veil.Shared.Hosts;

namespace Veil.Shared.Tests.Hosts;

/// <summary>Reads a host fixture (laid out like a host's root, plus recorded libvirt answers) into probe inputs.</summary>
internal static class HostFixture
{
    public static string Root(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "hosts", name);

    public static string DomainCapabilities(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "domcaps", file));

    public static HostProbeInputs Load(string name, int? configuredLimit = null)
    {
        var root = Root(name);
        string? Read(string relative)
        {
            var path = Path.Combine(root, relative);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }

        using var versions = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "versions.json")));
        string Version(string key) => versions.RootElement.GetProperty(key).GetString()!;
        var firmwareDir = Path.Combine(root, "usr/share/qemu/firmware");
        List<KeyValuePair<string, string>> descriptors = Directory.Exists(firmwareDir)
            ? [.. Directory.GetFiles(firmwareDir, "*.json").Order(StringComparer.Ordinal).Select(f => KeyValuePair.Create(f, File.ReadAllText(f)))]
            : [];

        return new HostProbeInputs
        {
            HostName = name,
            Architecture = Version("architecture"),
            CpuInfo = Read("proc/cpuinfo"),
            KvmAmdParameters = new[] { KvmAmdParameter.Sev, KvmAmdParameter.SevEs, KvmAmdParameter.SevSnp }
                .ToDictionary(p => p, p => Read(KvmAmdParameter.RelativePath(p))),
            DomainCapabilitiesXml = Read("domcapabilities.xml"),
            LibvirtVersion = VersionText.Parse(Version("libvirt")),
            QemuVersion = VersionText.Parse(Version("qemu")),
            KernelRelease = Version("kernel"),
            FirmwareDescriptors = descriptors,
            FirmwareImages = FirmwareImageFacts.ForSnpDescriptors(descriptors, file => File.ReadAllBytes(Path.Combine(root, file.TrimStart('/')))),
            ConfiguredSevGuestLimit = configuredLimit,
        };
    }
}
