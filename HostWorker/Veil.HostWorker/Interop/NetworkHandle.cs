using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

/// <summary>A <c>virNetworkPtr</c>, released with <c>virNetworkFree</c>.</summary>
internal sealed class NetworkHandle : SafeHandle
{
    public NetworkHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal NetworkHandle(IntPtr existing)
        : this() => SetHandle(existing);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.NetworkFree(handle) == 0;
}
