using System.Runtime.InteropServices;
using static Veil.HostWorker.Interop.Libvirt;

namespace Veil.HostWorker.Libvirt;

/// <summary>
/// The one place native failures become exceptions: read <c>virGetLastError</c> on the calling thread right after
/// the failing call, and throw the subclass the worker reacts to. Also silences libvirt's default printing of every
/// error to stderr, since Veil reports errors itself.
/// </summary>
internal static unsafe class LibvirtErrors
{
    // virErrorNumber values (libvirt/virterror.h).
    internal const int NoSupport = 3;
    internal const int NoConnect = 5;
    internal const int InvalidConnection = 6;
    internal const int InvalidArgument = 8;
    internal const int XmlError = 27;
    internal const int OpenFailed = 30;
    internal const int XmlDetail = 35;
    internal const int NoDomain = 42;
    internal const int NoNetwork = 43;
    internal const int NoStoragePool = 49;
    internal const int NoStorageVolume = 50;
    internal const int OperationInvalid = 55;
    internal const int ConfigUnsupported = 67;
    internal const int XmlInvalidSchema = 91;

    private static readonly object Gate = new();
    private static bool initialized;

    /// <summary>Initialises libvirt for threaded use and installs the silent error handler, once per process.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            if (Initialize() < 0)
            {
                throw Last("virInitialize");
            }

            SetErrorFunc(IntPtr.Zero, &Ignore);
            initialized = true;
        }
    }

    /// <summary>Throws when a call that returns an int failed (negative).</summary>
    public static int Check(int result, string operation) => result < 0 ? throw Last(operation) : result;

    /// <summary>Throws when a call that returns a handle failed (null).</summary>
    public static T Check<T>(T handle, string operation)
        where T : SafeHandle
    {
        if (!handle.IsInvalid)
        {
            return handle;
        }

        var error = Last(operation);
        handle.Dispose();
        throw error;
    }

    /// <summary>Copies a string libvirt allocated for the caller, then frees it.</summary>
    public static string TakeString(IntPtr native, string operation)
    {
        if (native == IntPtr.Zero)
        {
            throw Last(operation);
        }

        try
        {
            return Marshal.PtrToStringUTF8(native) ?? "";
        }
        finally
        {
            NativeMemory.Free((void*)native);
        }
    }

    /// <summary>Wraps each pointer of an array libvirt allocated for the caller (a list call's answer), then frees the array.</summary>
    public static IReadOnlyList<T> TakeArray<T>(int count, IntPtr array, Func<IntPtr, T> wrap)
    {
        try
        {
            var items = new List<T>(count);
            var pointers = (IntPtr*)array;
            for (var i = 0; i < count; i++)
            {
                items.Add(wrap(pointers[i]));
            }

            return items;
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }
    }

    /// <summary>The exception for the calling thread's last libvirt error.</summary>
    public static LibvirtException Last(string operation)
    {
        var error = GetLastError();
        if (error is null)
        {
            return new LibvirtException(operation, 0, 0, null);
        }

        var code = error->Code;
        var domain = error->Domain;
        var message = error->Message == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(error->Message);
        ResetLastError();
        return code switch
        {
            NoDomain => new LibvirtDomainNotFoundException(operation, code, domain, message),
            NoNetwork => new LibvirtNetworkNotFoundException(operation, code, domain, message),
            NoStoragePool or NoStorageVolume => new LibvirtStorageNotFoundException(operation, code, domain, message),
            XmlError or XmlDetail or ConfigUnsupported or XmlInvalidSchema => new LibvirtInvalidXmlException(operation, code, domain, message),
            OperationInvalid => new LibvirtOperationInvalidException(operation, code, domain, message),
            NoConnect or InvalidConnection or OpenFailed => new LibvirtConnectionException(operation, code, domain, message),
            _ => new LibvirtException(operation, code, domain, message),
        };
    }

    [UnmanagedCallersOnly]
    private static void Ignore(IntPtr userData, Error* error)
    {
    }
}
