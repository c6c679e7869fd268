using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    [LibraryImport(Library, EntryPoint = "virNetworkLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NetworkHandle NetworkLookupByName(ConnectionHandle conn, string name);

    [LibraryImport(Library, EntryPoint = "virNetworkIsActive")]
    internal static partial int NetworkIsActive(NetworkHandle network);

    [LibraryImport(Library, EntryPoint = "virNetworkFree")]
    internal static partial int NetworkFree(IntPtr network);
}
