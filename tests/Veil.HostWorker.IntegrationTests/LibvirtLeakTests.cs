using System.Runtime.InteropServices;
using Veil.HostWorker.Libvirt;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>Runs alone (no other test allocating native memory meanwhile), so the measurement means something.</summary>
[CollectionDefinition(nameof(LibvirtLeakTests), DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(nameof(LibvirtLeakTests))]
public sealed partial class LibvirtLeakTests
{
    [Fact]
    public void OpenClose_TenThousandCycles_NoLeak()
    {
        // Bytes malloc has handed out and not had back (glibc's mallinfo2 uordblks): what a missing free() grows,
        // unlike the resident set, which earlier tests' threads and the GC move about.
        static long Native()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return (long)MallInfo2().Uordblks;
        }

        static void Cycles(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var c = LibvirtConnection.Open("test:///default");
                using var d = c.FindByName("test");
                Assert.NotNull(d);
                _ = c.GetCapabilities();
            }
        }

        Cycles(2_000);
        var before = Native();
        Cycles(10_000);
        var growth = Native() - before;

        // A leaked connection, domain reference or capabilities string costs at least a kilobyte: 10,000 of them
        // would be ten megabytes or more.
        Assert.True(growth < 4 * 1024 * 1024, $"native memory grew by {growth / 1024} KiB over 10,000 cycles");
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena;
        public readonly nuint Ordblks;
        public readonly nuint Smblks;
        public readonly nuint Hblks;
        public readonly nuint Hblkhd;
        public readonly nuint Usmblks;
        public readonly nuint Fsmblks;
        public readonly nuint Uordblks;
        public readonly nuint Fordblks;
        public readonly nuint Keepcost;
    }
}
