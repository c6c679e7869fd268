using Veil.HostWorker.Interop;
using static Veil.HostWorker.Libvirt.LibvirtErrors;
using Native = Veil.HostWorker.Interop.Libvirt;

namespace Veil.HostWorker.Libvirt;

/// <summary>A libvirt domain. Dispose it to release libvirt's reference (the domain itself stays defined).</summary>
public sealed class LibvirtDomain : IDisposable
{
    private readonly DomainHandle handle;

    internal LibvirtDomain(DomainHandle handle) => this.handle = handle;

    public string Name => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.DomainGetName(handle))
        ?? throw Last("virDomainGetName");

    public unsafe Guid Uuid
    {
        get
        {
            // VIR_UUID_STRING_BUFLEN: 36 characters and the terminator.
            var buffer = stackalloc byte[37];
            Check(Native.DomainGetUuidString(handle, buffer), "virDomainGetUUIDString");
            return Guid.Parse(new ReadOnlySpan<byte>(buffer, 36));
        }
    }

    public DomainState State
    {
        get
        {
            Check(Native.DomainGetState(handle, out var state, out _, 0), "virDomainGetState");
            return (DomainState)state;
        }
    }

    /// <summary>The XML libvirt holds for the domain; <paramref name="inactive"/> gives the persistent definition.</summary>
    public string GetXml(bool inactive = false) =>
        TakeString(Native.DomainGetXmlDesc(handle, inactive ? Native.DomainXmlInactive : 0), "virDomainGetXMLDesc");

    /// <summary>Starts the defined domain.</summary>
    public void Start() => Change("virDomainCreate", () => Check(Native.DomainCreate(handle), "virDomainCreate"));

    /// <summary>Asks the guest to shut down (ACPI); returns before it has.</summary>
    public void Shutdown() => Change("virDomainShutdown", () => Check(Native.DomainShutdown(handle), "virDomainShutdown"));

    /// <summary>Stops the domain at once, like pulling the plug.</summary>
    public void Destroy() => Change("virDomainDestroy", () => Check(Native.DomainDestroy(handle), "virDomainDestroy"));

    /// <summary>Resets the running guest at once, like pressing its reset button (a hard reboot).</summary>
    public void Reset() => Change("virDomainReset", () => Check(Native.DomainReset(handle, 0), "virDomainReset"));

    /// <summary>Pauses the running guest's vCPUs (memory stays allocated).</summary>
    public void Suspend() => Change("virDomainSuspend", () => Check(Native.DomainSuspend(handle), "virDomainSuspend"));

    /// <summary>Lets a paused guest run again.</summary>
    public void Resume() => Change("virDomainResume", () => Check(Native.DomainResume(handle), "virDomainResume"));

    /// <summary>
    /// Removes the definition with its managed save image, snapshot metadata and, where the driver keeps any, its
    /// UEFI NVRAM (QEMU refuses to undefine a UEFI guest otherwise; drivers without NVRAM reject the flag).
    /// </summary>
    public void Undefine() => Change("virDomainUndefineFlags", UndefineWithWhatItKeeps);

    private void UndefineWithWhatItKeeps()
    {
        const uint always = Native.DomainUndefineManagedSave | Native.DomainUndefineSnapshotsMetadata;
        if (Native.DomainUndefineFlags(handle, always | Native.DomainUndefineNvram) >= 0)
        {
            return;
        }

        var error = Last("virDomainUndefineFlags");
        if (error.Code != InvalidArgument)
        {
            throw error;
        }

        Check(Native.DomainUndefineFlags(handle, always), "virDomainUndefineFlags");
    }

    public void Dispose() => handle.Dispose();

    /// <summary>A call that changes the domain, traced with the domain's name.</summary>
    private void Change(string operation, Action call) =>
        LibvirtSpans.Run(operation, () => { call(); return this; }, domain => domain.Name);
}
