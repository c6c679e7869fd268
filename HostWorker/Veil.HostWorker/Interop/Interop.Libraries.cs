namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    /// <summary>The libvirt client library (Debian package libvirt0).</summary>
    internal const string Library = "libvirt.so.0";
}
