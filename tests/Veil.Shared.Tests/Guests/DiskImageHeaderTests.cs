using System.Buffers.Binary;
using Veil.Shared.Guests;

namespace Veil.Shared.Tests.Guests;

public sealed class DiskImageHeaderTests
{
    private static byte[] Qcow2Header(ulong virtualSize)
    {
        var header = new byte[DiskImageHeader.Length];
        new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb }.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), virtualSize);
        return header;
    }

    [Fact]
    public void VirtualSize_Qcow2FromItsHeader_RawItsLength_TooFewBytesUnknown()
    {
        Assert.True(DiskImageHeader.IsQcow2(Qcow2Header(1)));
        Assert.Equal(30L << 30, DiskImageHeader.VirtualSize("qcow2", Qcow2Header(30UL << 30), 200_000));
        Assert.Equal(1_048_576, DiskImageHeader.VirtualSize("raw", new byte[4], 1_048_576));
        Assert.Null(DiskImageHeader.VirtualSize("qcow2", Qcow2Header(1).AsSpan(0, 20), 20));
        Assert.Null(DiskImageHeader.VirtualSize("qcow2", new byte[32], 32));
    }

    [Fact]
    public void ImageDiskProblem_LargerThanTheFlavorsDisk_SaysBothSizes_EqualOrUnknownFits()
    {
        static GuestImage Disk(long? size) => new(new ImageFile("file:///d.qcow2", 1, new string('0', 64), "qcow2") { VirtualSizeBytes = size });

        Assert.Equal("the image's disk is 21 GiB (21474836481 bytes), larger than the flavor's 20 GiB disk; choose a flavor with a larger disk.",
            GuestRules.ImageDiskProblem(Disk((20L << 30) + 1), 20));
        Assert.Null(GuestRules.ImageDiskProblem(Disk(20L << 30), 20));
        Assert.Null(GuestRules.ImageDiskProblem(Disk(null), 1));
        Assert.Null(GuestRules.ImageDiskProblem(null, 1));
    }

    [Fact]
    public void ImageFile_VirtualSize_OnlyForADisk_AndPositive()
    {
        var disk = new ImageFile("file:///d.qcow2", 1, new string('0', 64), "qcow2");
        var kernel = new ImageFile("file:///vmlinuz", 1, new string('0', 64));

        Assert.Null((disk with { VirtualSizeBytes = 1L << 30 }).Problem("disk"));
        Assert.Equal("disk: virtualSizeBytes is 0; it must be the disk's size in bytes, or left out.", (disk with { VirtualSizeBytes = 0 }).Problem("disk"));
        Assert.Equal("kernel: a kernel has no virtual size; leave it out.", (kernel with { VirtualSizeBytes = 5 }).Problem("kernel"));
    }
}
