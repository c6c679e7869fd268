using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    [LibraryImport(Library, EntryPoint = "virInitialize")]
    internal static partial int Initialize();

    [LibraryImport(Library, EntryPoint = "virConnectOpen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ConnectionHandle ConnectOpen(string? name);

    [LibraryImport(Library, EntryPoint = "virConnectClose")]
    internal static partial int ConnectClose(IntPtr conn);

    [LibraryImport(Library, EntryPoint = "virConnectGetLibVersion")]
    internal static partial int ConnectGetLibVersion(ConnectionHandle conn, out ulong libVer);

    [LibraryImport(Library, EntryPoint = "virConnectGetVersion")]
    internal static partial int ConnectGetVersion(ConnectionHandle conn, out ulong hvVer);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virConnectGetCapabilities")]
    internal static partial IntPtr ConnectGetCapabilities(ConnectionHandle conn);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virConnectGetDomainCapabilities", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ConnectGetDomainCapabilities(
        ConnectionHandle conn, string? emulatorbin, string? arch, string? machine, string? virttype, uint flags);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virConnectGetHostname")]
    internal static partial IntPtr ConnectGetHostname(ConnectionHandle conn);

    /// <summary>Fills <paramref name="domains"/> with an array the caller frees, of domains the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virConnectListAllDomains")]
    internal static partial int ConnectListAllDomains(ConnectionHandle conn, out IntPtr domains, uint flags);
}
