using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    internal const uint DomainXmlSecure = 1;
    internal const uint DomainXmlInactive = 2;

    internal const uint DomainUndefineManagedSave = 1;
    internal const uint DomainUndefineSnapshotsMetadata = 2;
    internal const uint DomainUndefineNvram = 4;

    [LibraryImport(Library, EntryPoint = "virDomainDefineXML", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle DomainDefineXml(ConnectionHandle conn, string xml);

    [LibraryImport(Library, EntryPoint = "virDomainLookupByUUIDString", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle DomainLookupByUuidString(ConnectionHandle conn, string uuid);

    [LibraryImport(Library, EntryPoint = "virDomainLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle DomainLookupByName(ConnectionHandle conn, string name);

    [LibraryImport(Library, EntryPoint = "virDomainFree")]
    internal static partial int DomainFree(IntPtr domain);

    [LibraryImport(Library, EntryPoint = "virDomainCreate")]
    internal static partial int DomainCreate(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainShutdown")]
    internal static partial int DomainShutdown(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainDestroy")]
    internal static partial int DomainDestroy(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainReset")]
    internal static partial int DomainReset(DomainHandle domain, uint flags);

    [LibraryImport(Library, EntryPoint = "virDomainSuspend")]
    internal static partial int DomainSuspend(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainResume")]
    internal static partial int DomainResume(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainUndefineFlags")]
    internal static partial int DomainUndefineFlags(DomainHandle domain, uint flags);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virDomainGetXMLDesc")]
    internal static partial IntPtr DomainGetXmlDesc(DomainHandle domain, uint flags);

    /// <summary>Returns a string libvirt keeps: copy, never free.</summary>
    [LibraryImport(Library, EntryPoint = "virDomainGetName")]
    internal static partial IntPtr DomainGetName(DomainHandle domain);

    [LibraryImport(Library, EntryPoint = "virDomainGetUUIDString")]
    internal static unsafe partial int DomainGetUuidString(DomainHandle domain, byte* buffer);

    [LibraryImport(Library, EntryPoint = "virDomainGetState")]
    internal static partial int DomainGetState(DomainHandle domain, out int state, out int reason, uint flags);
}
