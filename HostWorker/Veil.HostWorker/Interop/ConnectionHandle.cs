using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

/// <summary>A <c>virConnectPtr</c>, closed with <c>virConnectClose</c>.</summary>
internal sealed class ConnectionHandle : SafeHandle
{
    public ConnectionHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.ConnectClose(handle) >= 0;
}
