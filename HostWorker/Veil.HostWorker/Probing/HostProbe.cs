using System.Runtime.InteropServices;
using System.Text.Json;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;

namespace Veil.HostWorker.Probing;

/// <summary>
/// Reads a host's raw SEV facts — from its root (real or fixture) and from libvirt — into <see cref="HostProbeInputs"/>.
/// It never throws for unreadable facts: they become nulls, which the capability rules report as unknown.
/// </summary>
public sealed class HostProbe(LibvirtConnection libvirt, HostProbeOptions options)
{
    /// <summary>QEMU's search order: a file in /etc overrides one of the same name in /usr/share.</summary>
    private static readonly string[] FirmwareDirectories = ["usr/share/qemu/firmware", "etc/qemu/firmware"];

    public HostProbeInputs Read()
    {
        var versions = ReadVersions();
        var descriptors = ReadFirmwareDescriptors();
        return new HostProbeInputs
        {
            HostName = options.HostName,
            Architecture = versions.Architecture,
            CpuInfo = ReadText("proc/cpuinfo"),
            KvmAmdParameters = new[] { KvmAmdParameter.Sev, KvmAmdParameter.SevEs, KvmAmdParameter.SevSnp }
                .ToDictionary(p => p, p => ReadText(KvmAmdParameter.RelativePath(p))),
            DomainCapabilitiesXml = options.DomainCapabilitiesFile is { } file
                ? ReadFile(file)
                : Try(() => libvirt.GetDomainCapabilities("x86_64", "q35", options.VirtType)),
            LibvirtVersion = versions.Libvirt,
            QemuVersion = versions.Qemu,
            KernelRelease = versions.Kernel,
            FirmwareDescriptors = descriptors,
            FirmwareImages = FirmwareImageFacts.ForSnpDescriptors(descriptors, file => File.ReadAllBytes(Path.Combine(options.Root, file.TrimStart('/')))),
            ConfiguredSevGuestLimit = options.SevGuestLimit,
            Network = ReadNetwork(),
        };
    }

    private NetworkObservation? ReadNetwork()
    {
        switch (options.Network)
        {
            case null:
                return null;
            case { Type: GuestNetworkType.User }:
                return new("QEMU user-mode networking", true, "user-mode networking (outbound only) needs no driver or bridge", "");
            case { Type: GuestNetworkType.Bridge, Source: var bridge }:
                var requirement = $"host bridge '{bridge}'";
                return Directory.Exists(Path.Combine(options.Root, "sys", "class", "net", bridge ?? "", "bridge"))
                    ? new(requirement, true, $"/sys/class/net/{bridge}/bridge exists", "")
                    : new(requirement, false, $"this host has no bridge '{bridge}'", $"create it (ip link add {bridge} type bridge) or set HostWorker:NetworkSource to a bridge that exists");
            case { Source: var name }:
                var wanted = $"libvirt network '{name}', active";
                try
                {
                    var (exists, active) = libvirt.FindNetwork(name ?? "default");
                    return (exists, active) switch
                    {
                        (true, true) => new(wanted, true, $"network '{name}' is active", ""),
                        (true, false) => new(wanted, false, $"network '{name}' is defined but not active", $"virsh net-start {name} && virsh net-autostart {name}"),
                        _ => new(wanted, false, $"libvirt has no network '{name}'", $"define it (virsh net-define), or set HostWorker:NetworkType to bridge or user"),
                    };
                }
                catch (LibvirtException e)
                {
                    return new(wanted, false, e.LibvirtMessage ?? e.Message,
                        "install libvirt-daemon-driver-network (libvirt cannot reach a network driver), or set HostWorker:NetworkType to bridge or user");
                }
        }
    }

    private (string? Architecture, string? Kernel, Version? Qemu, Version? Libvirt) ReadVersions()
    {
        if (options.VersionsFile is { } file)
        {
            try
            {
                using var json = JsonDocument.Parse(ReadFile(file) ?? "");
                string? Get(string key) => json.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                return (Get("architecture"), Get("kernel"), VersionText.Parse(Get("qemu")), VersionText.Parse(Get("libvirt")));
            }
            catch (JsonException)
            {
                return (null, null, null, null);
            }
        }

        var arch = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return (arch, ReadText("proc/sys/kernel/osrelease")?.Trim(), Try(() => libvirt.HypervisorVersion), Try(() => libvirt.LibraryVersion));
    }

    private List<KeyValuePair<string, string>> ReadFirmwareDescriptors()
    {
        var byName = new SortedDictionary<string, KeyValuePair<string, string>>(StringComparer.Ordinal);
        foreach (var directory in FirmwareDirectories.Select(d => Path.Combine(options.Root, d)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
            {
                if (ReadFile(file) is { } json)
                {
                    byName[Path.GetFileName(file)] = KeyValuePair.Create("/" + Path.GetRelativePath(options.Root, file), json);
                }
            }
        }

        return [.. byName.Values];
    }

    private string? ReadText(string relative) => ReadFile(Path.Combine(options.Root, relative));

    private static string? ReadFile(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static T? Try<T>(Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (LibvirtException)
        {
            return null;
        }
    }
}
