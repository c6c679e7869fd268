using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;

namespace Veil.HostWorker.Storage;

/// <summary>
/// Makes and removes a guest's storage through libvirt's storage API: a copy-on-write qcow2 overlay of the image's
/// disk (or a blank disk), of the flavor's size, as a volume of the <c>veil-instances</c> pool, and the guest's
/// folder with the kernel and initrd it boots and its config drive. Both pools (<c>veil-instances</c>, <c>veil-images</c>) are
/// directory pools that this class defines, builds and starts when they are missing.
/// </summary>
public sealed class GuestStorage(Hypervisor hypervisor, ImageCache images, IOptions<HostWorkerOptions> options)
{
    public const string ImagePoolName = "veil-images";

    private readonly object gate = new();

    private InstanceFiles FilesOf(Guid serverId) => new(options.Value.EffectiveInstancesPath, serverId);

    /// <summary>Fetches the image's files and makes the guest's disk, folder and config drive; what a previous try made is kept.</summary>
    public async Task PrepareAsync(GuestSpec guest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var files = FilesOf(guest.ServerId);
        var cached = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (part, file) in guest.Image?.Parts() ?? [])
        {
            cached[part] = await images.FetchAsync(part, file, cancellationToken);
        }

        if (cached.GetValueOrDefault("disk") is { } diskPath && GuestRules.ImageDiskProblem(Measured(guest.Image!, diskPath), guest.DiskGiB) is { } tooSmall)
        {
            throw new GuestStorageException(HostFailureCode.FlavorDiskSmallerThanImage, $"Image disk {guest.Image!.Disk!.Source}: {tooSmall}");
        }

        Directory.CreateDirectory(files.Directory);
        CopyOnce(cached.GetValueOrDefault("kernel"), files.Kernel);
        CopyOnce(cached.GetValueOrDefault("initrd"), files.Initrd);
        if (guest.ConfigDrive)
        {
            await ConfigDrive.BuildAsync(guest, files.ConfigDrive, cancellationToken);
        }

        lock (gate)
        {
            using var imagePool = EnsurePool(ImagePoolName, images.Root);
            imagePool.Refresh();
            using var pool = EnsurePool(InstanceFiles.PoolName, files.Root);
            using var existing = pool.FindVolume(files.DiskVolume);
            if (existing is null)
            {
                using var created = pool.CreateVolume(OverlayXml(files, guest.DiskGiB, cached.GetValueOrDefault("disk"), guest.Image?.Disk?.Format));
            }
        }
    }

    /// <summary>Removes the guest's disk volume and its folder (kernel, initrd, config drive, console log).</summary>
    public void Remove(Guid serverId)
    {
        var files = FilesOf(serverId);
        lock (gate)
        {
            using var pool = hypervisor.Connection.FindStoragePool(InstanceFiles.PoolName);
            using var volume = pool?.FindVolume(files.DiskVolume);
            volume?.Delete();
        }

        if (Directory.Exists(files.Directory))
        {
            Directory.Delete(files.Directory, recursive: true);
        }
    }

    /// <summary>The guest's disk volume: its path and size, or null when it has none.</summary>
    public (string Path, ulong Capacity)? DiskOf(Guid serverId)
    {
        var files = FilesOf(serverId);
        using var pool = hypervisor.Connection.FindStoragePool(InstanceFiles.PoolName);
        using var volume = pool?.FindVolume(files.DiskVolume);
        return volume is null ? null : (volume.Path, volume.Size.Capacity);
    }

    private LibvirtStoragePool EnsurePool(string name, string path)
    {
        var pool = hypervisor.Connection.FindStoragePool(name) ?? hypervisor.Connection.DefineStoragePool(
            new XElement("pool", new XAttribute("type", "dir"),
                new XElement("name", name),
                new XElement("target", new XElement("path", path))).ToString());
        if (!pool.IsActive)
        {
            pool.Build();
            pool.Start();
            pool.SetAutostart(true);
        }

        return pool;
    }

    private static string OverlayXml(InstanceFiles files, int diskGiB, string? backingPath, string? backingFormat) =>
        new XElement("volume",
            new XElement("name", files.DiskVolume),
            new XElement("capacity", new XAttribute("unit", "GiB"), diskGiB.ToString(CultureInfo.InvariantCulture)),
            // Thin: an overlay holds only what the guest writes (a pool that counts allocation, as libvirt's test
            // driver does, would otherwise fill up after a few guests).
            new XElement("allocation", "0"),
            new XElement("target", new XElement("format", new XAttribute("type", "qcow2"))),
            backingPath is null
                ? null
                : new XElement("backingStore",
                    new XElement("path", backingPath),
                    new XElement("format", new XAttribute("type", backingFormat ?? "raw")))).ToString();

    /// <summary>The image with its disk's size as the verified file's own header says, not as the image was registered.</summary>
    private static GuestImage Measured(GuestImage image, string diskPath)
    {
        var header = new byte[DiskImageHeader.Length];
        using (var file = File.OpenRead(diskPath))
        {
            file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        var disk = image.Disk!;
        return image with { Disk = disk with { VirtualSizeBytes = DiskImageHeader.VirtualSize(disk.Format ?? "raw", header, new FileInfo(diskPath).Length) } };
    }

    private static void CopyOnce(string? source, string target)
    {
        if (source is not null && !File.Exists(target))
        {
            var partial = target + ".part";
            File.Copy(source, partial, overwrite: true);
            File.Move(partial, target);
        }
    }
}
