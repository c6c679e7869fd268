using System.Xml.Linq;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Guests;

/// <summary>
/// The <c>&lt;devices&gt;</c> of a guest. For an encrypted guest every virtio device gets <c>iommu='on'</c>
/// (the SEV spec: virtio DMA must go through the bounce buffers SEV shares with the host).
/// </summary>
internal sealed class DeviceBuilder(bool encrypted)
{
    private static readonly string[] DiskBuses = ["virtio", "scsi", "sata", "ide"];
    private static readonly string[] CdromBuses = ["scsi", "sata", "ide"];
    private readonly Dictionary<string, int> nextIndex = [];

    public static IEnumerable<string> BusProblems(IReadOnlyDictionary<string, string> image)
    {
        if (image.TryGetValue(RequestKeys.ImageDiskBus, out var disk) && !DiskBuses.Contains(disk.Trim().ToLowerInvariant()))
        {
            yield return $"image property {RequestKeys.ImageDiskBus}='{disk}' is not a disk bus Veil supports; use one of {string.Join(", ", DiskBuses)}.";
        }

        if (image.TryGetValue(RequestKeys.ImageCdromBus, out var cdrom) && !CdromBuses.Contains(cdrom.Trim().ToLowerInvariant()))
        {
            yield return $"image property {RequestKeys.ImageCdromBus}='{cdrom}' is not a CD-ROM bus Veil supports; use one of {string.Join(", ", CdromBuses)}.";
        }

        if (image.TryGetValue(RequestKeys.ImageScsiModel, out var scsi) && !string.Equals(scsi.Trim(), "virtio-scsi", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"image property {RequestKeys.ImageScsiModel}='{scsi}' is not supported; Veil's SCSI controller is virtio-scsi, so set it to virtio-scsi or remove it.";
        }
    }

    public XElement Build(GuestSpec spec, IReadOnlyDictionary<string, string> image, GuestHostParameters host, InstanceFiles files)
    {
        // Encrypted guests boot from virtio-scsi: virtio-blk boot disks exhaust SEV's bounce buffers.
        var diskBus = Bus(image, RequestKeys.ImageDiskBus, encrypted ? "scsi" : "virtio");
        var cdromBus = Bus(image, RequestKeys.ImageCdromBus, "scsi");
        var needsScsi = diskBus == "scsi" || (spec.ConfigDrive && cdromBus == "scsi");

        return new XElement("devices",
            needsScsi
                ? new XElement("controller", new XAttribute("type", "scsi"), new XAttribute("index", "0"),
                    new XAttribute("model", "virtio-scsi"), Iommu())
                : null,
            new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2"),
                    diskBus == "virtio" && encrypted ? new XAttribute("iommu", "on") : null),
                new XElement("source", new XAttribute("file", files.Disk)),
                Target(diskBus)),
            spec.ConfigDrive
                ? new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "cdrom"),
                    new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "raw")),
                    new XElement("source", new XAttribute("file", files.ConfigDrive)),
                    Target(cdromBus),
                    new XElement("readonly"))
                : null,
            Interface(host.Network),
            // The serial console goes to a file the HostWorker reads (the console log, nova's os-getConsoleOutput).
            new XElement("serial", new XAttribute("type", "file"), new XElement("source", new XAttribute("path", files.ConsoleLog))),
            new XElement("console", new XAttribute("type", "file"), new XElement("source", new XAttribute("path", files.ConsoleLog))),
            new XElement("video", new XElement("model", new XAttribute("type", "virtio")), Iommu()),
            new XElement("rng", new XAttribute("model", "virtio"),
                new XElement("backend", new XAttribute("model", "random"), "/dev/urandom"),
                Iommu()),
            new XElement("memballoon", new XAttribute("model", "virtio"), Iommu()));
    }

    private XElement Interface(GuestNetwork network) => new("interface",
        new XAttribute("type", network.Type.ToString().ToLowerInvariant()),
        network.Type switch
        {
            GuestNetworkType.Network => new XElement("source", new XAttribute("network", network.Source ?? "default")),
            GuestNetworkType.Bridge => new XElement("source", new XAttribute("bridge", network.Source ?? "")),
            _ => null,
        },
        new XElement("model", new XAttribute("type", "virtio")),
        Iommu());

    private XElement? Iommu() => encrypted ? new XElement("driver", new XAttribute("iommu", "on")) : null;

    private XElement Target(string bus)
    {
        var prefix = bus switch { "virtio" => "vd", "ide" => "hd", _ => "sd" };
        var index = nextIndex.GetValueOrDefault(prefix);
        nextIndex[prefix] = index + 1;
        return new XElement("target", new XAttribute("dev", prefix + (char)('a' + index)), new XAttribute("bus", bus));
    }

    private static string Bus(IReadOnlyDictionary<string, string> image, string key, string fallback) =>
        image.TryGetValue(key, out var bus) ? bus.Trim().ToLowerInvariant() : fallback;
}
