using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

/// <summary>A <c>virStorageVolPtr</c>, released with <c>virStorageVolFree</c>.</summary>
internal sealed class StorageVolumeHandle : SafeHandle
{
    public StorageVolumeHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal StorageVolumeHandle(IntPtr existing)
        : this() => SetHandle(existing);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.StorageVolFree(handle) == 0;
}
