using System.Runtime.InteropServices;
using System.Text.Json;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Hosts;

namespace Veil.HostWorker.Recording;

/// <summary>
/// <c>record-host &lt;folder&gt; [--root /] [--libvirt-uri qemu:///system]</c>: captures what the probe reads on a real
/// host — cpuinfo, the kvm_amd parameters, QEMU's firmware descriptors, libvirt's domain capabilities and the
/// versions — into a fixture folder that a simulated host can run from (docs/rules.md, "Host fixtures").
/// </summary>
public static class HostRecorder
{
    private const string Usage = "usage: record-host <folder> [--root /] [--libvirt-uri qemu:///system]";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? folder = null;
        var root = "/";
        var uri = "qemu:///system";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Length:
                    root = args[++i];
                    break;
                case "--libvirt-uri" when i + 1 < args.Length:
                    uri = args[++i];
                    break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && folder is null:
                    folder = a;
                    break;
                default:
                    Console.Error.WriteLine($"record-host: unexpected argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (folder is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            using var libvirt = LibvirtConnection.Open(uri);
            foreach (var line in Record(root, libvirt, folder))
            {
                Console.WriteLine(line);
            }

            return 0;
        }
        catch (Exception e) when (e is LibvirtException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"record-host: {e.Message}");
            return 1;
        }
    }

    /// <summary>Writes the fixture and returns one line per file written (or left out, and why).</summary>
    public static IReadOnlyList<string> Record(string root, LibvirtConnection libvirt, string folder)
    {
        ArgumentNullException.ThrowIfNull(libvirt);
        var log = new List<string>();
        void Copy(string relative)
        {
            var source = Path.Combine(root, relative);
            if (!File.Exists(source))
            {
                log.Add($"absent   /{relative}");
                return;
            }

            var target = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(source));
            log.Add($"recorded /{relative}");
        }

        Copy("proc/cpuinfo");
        foreach (var parameter in new[] { KvmAmdParameter.Sev, KvmAmdParameter.SevEs, KvmAmdParameter.SevSnp })
        {
            Copy(KvmAmdParameter.RelativePath(parameter));
        }

        foreach (var directory in new[] { "usr/share/qemu/firmware", "etc/qemu/firmware" })
        {
            var full = Path.Combine(root, directory);
            if (Directory.Exists(full))
            {
                foreach (var file in Directory.EnumerateFiles(full, "*.json").Order(StringComparer.Ordinal))
                {
                    Copy(Path.Combine(directory, Path.GetFileName(file)));
                }
            }
        }

        Directory.CreateDirectory(folder);
        string capabilities;
        try
        {
            capabilities = libvirt.GetDomainCapabilities("x86_64", "q35", "kvm");
        }
        catch (LibvirtException)
        {
            // Not a KVM host (libvirt's test driver, for one): record what libvirt offers by default.
            capabilities = libvirt.GetDomainCapabilities();
        }

        File.WriteAllText(Path.Combine(folder, "domcapabilities.xml"), capabilities);
        log.Add($"recorded domain capabilities from {libvirt.Uri}");

        var kernel = Path.Combine(root, "proc/sys/kernel/osrelease");
        var versions = new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["architecture"] = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["kernel"] = File.Exists(kernel) ? File.ReadAllText(kernel).Trim() : null,
            ["qemu"] = libvirt.HypervisorVersion.ToString(),
            ["libvirt"] = libvirt.LibraryVersion.ToString(),
        };
        File.WriteAllText(Path.Combine(folder, "versions.json"), JsonSerializer.Serialize(versions, Indented) + "\n");
        log.Add($"recorded versions.json (libvirt {versions["libvirt"]}, hypervisor {versions["qemu"]}, kernel {versions["kernel"] ?? "unknown"})");
        return log;
    }
}
