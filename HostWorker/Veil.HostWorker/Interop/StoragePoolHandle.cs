using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

/// <summary>A <c>virStoragePoolPtr</c>, released with <c>virStoragePoolFree</c>.</summary>
internal sealed class StoragePoolHandle : SafeHandle
{
    public StoragePoolHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal StoragePoolHandle(IntPtr existing)
        : this() => SetHandle(existing);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.StoragePoolFree(handle) == 0;
}
