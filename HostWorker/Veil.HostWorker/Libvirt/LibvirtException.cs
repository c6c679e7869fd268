namespace Veil.HostWorker.Libvirt;

/// <summary>A libvirt call failed; carries libvirt's error code, error domain (subsystem) and message.</summary>
public class LibvirtException : Exception
{
    public LibvirtException(string operation, int code, int errorDomain, string? libvirtMessage)
        : base($"{operation} failed: {libvirtMessage ?? "libvirt gave no reason"} (libvirt error {code}, domain {errorDomain})")
    {
        Operation = operation;
        Code = code;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    public LibvirtException()
        : this("libvirt call", 0, 0, null)
    {
    }

    public LibvirtException(string message)
        : base(message) => Operation = "libvirt call";

    public LibvirtException(string message, Exception innerException)
        : base(message, innerException) => Operation = "libvirt call";

    public string Operation { get; }

    /// <summary>libvirt's <c>virErrorNumber</c>.</summary>
    public int Code { get; }

    /// <summary>libvirt's <c>virErrorDomain</c>: which subsystem failed.</summary>
    public int ErrorDomain { get; }

    /// <summary>libvirt's own message, unchanged.</summary>
    public string? LibvirtMessage { get; }
}

/// <summary>No domain with that UUID or name exists (VIR_ERR_NO_DOMAIN).</summary>
public sealed class LibvirtDomainNotFoundException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);

/// <summary>No libvirt network with that name exists (VIR_ERR_NO_NETWORK).</summary>
public sealed class LibvirtNetworkNotFoundException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);

/// <summary>No storage pool or volume with that name exists (VIR_ERR_NO_STORAGE_POOL, VIR_ERR_NO_STORAGE_VOL).</summary>
public sealed class LibvirtStorageNotFoundException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);

/// <summary>libvirt refused the XML: malformed, schema-invalid, or a configuration it does not support.</summary>
public sealed class LibvirtInvalidXmlException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);

/// <summary>The request is not valid in the domain's current state, e.g. starting a running domain (VIR_ERR_OPERATION_INVALID).</summary>
public sealed class LibvirtOperationInvalidException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);

/// <summary>The connection could not be opened or was lost.</summary>
public sealed class LibvirtConnectionException(string operation, int code, int errorDomain, string? libvirtMessage)
    : LibvirtException(operation, code, errorDomain, libvirtMessage);
