using System.Buffers.Binary;

namespace Veil.Shared.Guests;

/// <summary>
/// What a disk image's first bytes say: whether it is qcow2 (magic <c>QFI\xfb</c>) and the size of the disk it holds
/// (qcow2's virtual size, a big-endian 64-bit field at offset 24; a raw disk is as large as its file). The API reads
/// them from an upload's first block, a host from the file it fetched and verified.
/// </summary>
public static class DiskImageHeader
{
    /// <summary>Bytes needed to read a qcow2 header's virtual size.</summary>
    public const int Length = 32;

    private static readonly byte[] Qcow2Magic = [(byte)'Q', (byte)'F', (byte)'I', 0xfb];

    public static bool IsQcow2(ReadOnlySpan<byte> start) => start.StartsWith(Qcow2Magic);

    /// <summary>The size of the disk the guest sees, or null when the bytes are too few to say.</summary>
    public static long? VirtualSize(string format, ReadOnlySpan<byte> start, long fileLength) => format switch
    {
        "qcow2" when IsQcow2(start) && start.Length >= Length && BinaryPrimitives.ReadUInt64BigEndian(start[24..]) is var size and <= long.MaxValue => (long)size,
        "raw" => fileLength,
        _ => null,
    };
}
