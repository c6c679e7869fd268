using Veil.HostWorker.Interop;
using static Veil.HostWorker.Libvirt.LibvirtErrors;
using Native = Veil.HostWorker.Interop.Libvirt;

namespace Veil.HostWorker.Libvirt;

/// <summary>A libvirt storage pool. Dispose it to release libvirt's reference (the pool stays defined).</summary>
public sealed class LibvirtStoragePool : IDisposable
{
    private readonly StoragePoolHandle handle;

    internal LibvirtStoragePool(StoragePoolHandle handle) => this.handle = handle;

    public bool IsActive => Check(Native.StoragePoolIsActive(handle), "virStoragePoolIsActive") == 1;

    /// <summary>Creates the pool's target (a directory for a <c>dir</c> pool) if it is missing.</summary>
    public void Build() => Check(Native.StoragePoolBuild(handle, 0), "virStoragePoolBuild");

    /// <summary>Starts the pool.</summary>
    public void Start() => Check(Native.StoragePoolCreate(handle, 0), "virStoragePoolCreate");

    public void SetAutostart(bool autostart) => Check(Native.StoragePoolSetAutostart(handle, autostart ? 1 : 0), "virStoragePoolSetAutostart");

    /// <summary>Reads the pool's target again, so files placed there by hand become volumes.</summary>
    public void Refresh() => Check(Native.StoragePoolRefresh(handle, 0), "virStoragePoolRefresh");

    public string GetXml() => TakeString(Native.StoragePoolGetXmlDesc(handle, 0), "virStoragePoolGetXMLDesc");

    /// <summary>The volume of that name, or null when there is none.</summary>
    public LibvirtStorageVolume? FindVolume(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            return new LibvirtStorageVolume(Check(Native.StorageVolLookupByName(handle, name), "virStorageVolLookupByName"));
        }
        catch (LibvirtStorageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Creates a volume from its XML (for a qcow2 overlay, libvirt runs qemu-img).</summary>
    public LibvirtStorageVolume CreateVolume(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new LibvirtStorageVolume(Check(Native.StorageVolCreateXml(handle, xml, 0), "virStorageVolCreateXML"));
    }

    /// <summary>Every volume in the pool.</summary>
    public IReadOnlyList<LibvirtStorageVolume> ListVolumes()
    {
        var count = Check(Native.StoragePoolListAllVolumes(handle, out var array, 0), "virStoragePoolListAllVolumes");
        return TakeArray(count, array, p => new LibvirtStorageVolume(new StorageVolumeHandle(p)));
    }

    public void Dispose() => handle.Dispose();
}
