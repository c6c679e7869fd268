using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

/// <summary>A <c>virDomainPtr</c>, released with <c>virDomainFree</c>.</summary>
internal sealed class DomainHandle : SafeHandle
{
    public DomainHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal DomainHandle(IntPtr existing)
        : this() => SetHandle(existing);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.DomainFree(handle) == 0;
}
