using System.Runtime.InteropServices;
using Veil.HostWorker.Interop;
using Veil.Shared.Hosts;
using static Veil.HostWorker.Libvirt.LibvirtErrors;
using Native = Veil.HostWorker.Interop.Libvirt;

namespace Veil.HostWorker.Libvirt;

/// <summary>
/// A connection to a libvirt hypervisor: <c>qemu:///system</c> on a real host, <c>test:///…</c> for simulated
/// hosts and tests. Nothing above this class sees a native pointer.
/// </summary>
public sealed class LibvirtConnection : IDisposable
{
    private readonly ConnectionHandle handle;

    private LibvirtConnection(ConnectionHandle handle, string uri)
    {
        this.handle = handle;
        Uri = uri;
    }

    public string Uri { get; }

    public static LibvirtConnection Open(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        EnsureInitialized();
        return new LibvirtConnection(Check(Native.ConnectOpen(uri), $"virConnectOpen({uri})"), uri);
    }

    /// <summary>The version of the libvirt library serving this connection.</summary>
    public Version LibraryVersion
    {
        get
        {
            Check(Native.ConnectGetLibVersion(handle, out var version), "virConnectGetLibVersion");
            return VersionText.FromLibvirtNumber(version);
        }
    }

    /// <summary>The hypervisor's version (QEMU's on a real host).</summary>
    public Version HypervisorVersion
    {
        get
        {
            Check(Native.ConnectGetVersion(handle, out var version), "virConnectGetVersion");
            return VersionText.FromLibvirtNumber(version);
        }
    }

    public string Hostname => TakeString(Native.ConnectGetHostname(handle), "virConnectGetHostname");

    public string GetCapabilities() => TakeString(Native.ConnectGetCapabilities(handle), "virConnectGetCapabilities");

    /// <summary>Domain capabilities for a machine type and virtualisation type (null: libvirt's defaults).</summary>
    public string GetDomainCapabilities(string? arch = null, string? machine = null, string? virtType = null) =>
        TakeString(Native.ConnectGetDomainCapabilities(handle, null, arch, machine, virtType, 0), "virConnectGetDomainCapabilities");

    /// <summary>Defines (or redefines, for the same UUID) a persistent domain.</summary>
    public LibvirtDomain Define(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return LibvirtSpans.Run("virDomainDefineXML", () => new LibvirtDomain(Check(Native.DomainDefineXml(handle, xml), "virDomainDefineXML")), domain => domain.Name);
    }

    /// <summary>The domain with that UUID, or null when there is none.</summary>
    public LibvirtDomain? FindByUuid(Guid uuid) => Find(() => Native.DomainLookupByUuidString(handle, uuid.ToString("D")), "virDomainLookupByUUIDString");

    /// <summary>The domain with that name, or null when there is none.</summary>
    public LibvirtDomain? FindByName(string name) => Find(() => Native.DomainLookupByName(handle, name), "virDomainLookupByName");

    /// <summary>The storage pool of that name, or null when there is none.</summary>
    public LibvirtStoragePool? FindStoragePool(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            return new LibvirtStoragePool(Check(Native.StoragePoolLookupByName(handle, name), "virStoragePoolLookupByName"));
        }
        catch (LibvirtStorageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whether the libvirt network of that name exists and is active; the exception says why it cannot be
    /// told (no network driver, for one).</summary>
    public (bool Exists, bool Active) FindNetwork(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            using var network = Check(Native.NetworkLookupByName(handle, name), "virNetworkLookupByName");
            return (true, Check(Native.NetworkIsActive(network), "virNetworkIsActive") == 1);
        }
        catch (LibvirtNetworkNotFoundException)
        {
            return (false, false);
        }
    }

    /// <summary>Defines a persistent storage pool (not yet built or started).</summary>
    public LibvirtStoragePool DefineStoragePool(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new LibvirtStoragePool(Check(Native.StoragePoolDefineXml(handle, xml, 0), "virStoragePoolDefineXML"));
    }

    /// <summary>Every domain, running or only defined.</summary>
    public IReadOnlyList<LibvirtDomain> ListAllDomains()
    {
        var count = Check(Native.ConnectListAllDomains(handle, out var array, 0), "virConnectListAllDomains");
        return TakeArray(count, array, p => new LibvirtDomain(new DomainHandle(p)));
    }

    public void Dispose() => handle.Dispose();

    private static LibvirtDomain? Find(Func<DomainHandle> lookup, string operation)
    {
        try
        {
            return new LibvirtDomain(Check(lookup(), operation));
        }
        catch (LibvirtDomainNotFoundException)
        {
            return null;
        }
    }
}
