using Veil.HostWorker.Interop;
using static Veil.HostWorker.Libvirt.LibvirtErrors;
using Native = Veil.HostWorker.Interop.Libvirt;

namespace Veil.HostWorker.Libvirt;

/// <summary>A libvirt storage volume. Dispose it to release libvirt's reference (the volume stays).</summary>
public sealed class LibvirtStorageVolume : IDisposable
{
    private readonly StorageVolumeHandle handle;

    internal LibvirtStorageVolume(StorageVolumeHandle handle) => this.handle = handle;

    public string Name => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.StorageVolGetName(handle))
        ?? throw Last("virStorageVolGetName");

    /// <summary>Where the volume is on the host (a file for <c>dir</c> pools).</summary>
    public string Path => TakeString(Native.StorageVolGetPath(handle), "virStorageVolGetPath");

    /// <summary>The size the guest sees, and the bytes the host has allocated for it.</summary>
    public (ulong Capacity, ulong Allocation) Size
    {
        get
        {
            Check(Native.StorageVolGetInfo(handle, out var info), "virStorageVolGetInfo");
            return (info.Capacity, info.Allocation);
        }
    }

    /// <summary>Deletes the volume's data (the file, for <c>dir</c> pools).</summary>
    public void Delete() => Check(Native.StorageVolDelete(handle, 0), "virStorageVolDelete");

    public void Dispose() => handle.Dispose();
}
