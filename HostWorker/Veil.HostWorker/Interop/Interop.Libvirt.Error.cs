using System.Runtime.InteropServices;

namespace Veil.HostWorker.Interop;

internal static partial class Libvirt
{
    /// <summary>The head of libvirt's <c>virError</c>; only the fields Veil reads, in their C order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Error
    {
        public int Code;
        public int Domain;
        public IntPtr Message;
        public int Level;
    }

    /// <summary>The calling thread's last error, owned by libvirt; null when there is none.</summary>
    [LibraryImport(Library, EntryPoint = "virGetLastError")]
    internal static unsafe partial Error* GetLastError();

    [LibraryImport(Library, EntryPoint = "virResetLastError")]
    internal static partial void ResetLastError();

    [LibraryImport(Library, EntryPoint = "virSetErrorFunc")]
    internal static unsafe partial void SetErrorFunc(IntPtr userData, delegate* unmanaged<IntPtr, Error*, void> handler);
}
