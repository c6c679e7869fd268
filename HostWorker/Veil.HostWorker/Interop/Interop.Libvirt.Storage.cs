using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    [LibraryImport(Library, EntryPoint = "virStoragePoolLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StoragePoolHandle StoragePoolLookupByName(ConnectionHandle conn, string name);

    [LibraryImport(Library, EntryPoint = "virStoragePoolDefineXML", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StoragePoolHandle StoragePoolDefineXml(ConnectionHandle conn, string xml, uint flags);

    [LibraryImport(Library, EntryPoint = "virStoragePoolFree")]
    internal static partial int StoragePoolFree(IntPtr pool);

    [LibraryImport(Library, EntryPoint = "virStoragePoolBuild")]
    internal static partial int StoragePoolBuild(StoragePoolHandle pool, uint flags);

    [LibraryImport(Library, EntryPoint = "virStoragePoolCreate")]
    internal static partial int StoragePoolCreate(StoragePoolHandle pool, uint flags);

    [LibraryImport(Library, EntryPoint = "virStoragePoolIsActive")]
    internal static partial int StoragePoolIsActive(StoragePoolHandle pool);

    [LibraryImport(Library, EntryPoint = "virStoragePoolSetAutostart")]
    internal static partial int StoragePoolSetAutostart(StoragePoolHandle pool, int autostart);

    [LibraryImport(Library, EntryPoint = "virStoragePoolRefresh")]
    internal static partial int StoragePoolRefresh(StoragePoolHandle pool, uint flags);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virStoragePoolGetXMLDesc")]
    internal static partial IntPtr StoragePoolGetXmlDesc(StoragePoolHandle pool, uint flags);

    /// <summary>Fills an array of volume pointers the caller frees (each with virStorageVolFree, then the array).</summary>
    [LibraryImport(Library, EntryPoint = "virStoragePoolListAllVolumes")]
    internal static partial int StoragePoolListAllVolumes(StoragePoolHandle pool, out IntPtr volumes, uint flags);

    [LibraryImport(Library, EntryPoint = "virStorageVolLookupByName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StorageVolumeHandle StorageVolLookupByName(StoragePoolHandle pool, string name);

    [LibraryImport(Library, EntryPoint = "virStorageVolCreateXML", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial StorageVolumeHandle StorageVolCreateXml(StoragePoolHandle pool, string xml, uint flags);

    [LibraryImport(Library, EntryPoint = "virStorageVolDelete")]
    internal static partial int StorageVolDelete(StorageVolumeHandle volume, uint flags);

    [LibraryImport(Library, EntryPoint = "virStorageVolFree")]
    internal static partial int StorageVolFree(IntPtr volume);

    /// <summary>Returns a string the caller frees.</summary>
    [LibraryImport(Library, EntryPoint = "virStorageVolGetPath")]
    internal static partial IntPtr StorageVolGetPath(StorageVolumeHandle volume);

    /// <summary>Returns a string libvirt keeps: copy, never free.</summary>
    [LibraryImport(Library, EntryPoint = "virStorageVolGetName")]
    internal static partial IntPtr StorageVolGetName(StorageVolumeHandle volume);

    [LibraryImport(Library, EntryPoint = "virStorageVolGetInfo")]
    internal static partial int StorageVolGetInfo(StorageVolumeHandle volume, out StorageVolumeInfo info);

    /// <summary>virStorageVolInfo: type, capacity and allocation in bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StorageVolumeInfo
    {
        public int Type;
        public ulong Capacity;
        public ulong Allocation;
    }
}
