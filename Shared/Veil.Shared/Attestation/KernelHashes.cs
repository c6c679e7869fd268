using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Veil.Shared.Attestation;

/// <summary>
/// The kernel-hashes table QEMU puts in the guest for a direct kernel boot with <c>kernelHashes='yes'</c>: the
/// SHA-256 of the command line (with its terminating NUL), of the initrd and of the kernel file as given.
/// </summary>
public sealed record KernelHashes(byte[] Kernel, byte[] Initrd, byte[] Cmdline)
{
    /// <summary>168 bytes of table, padded to a multiple of 16.</summary>
    public const int TableSize = 176;

    private const int TableLength = 168;
    private const int EntryLength = 50;

    private static readonly Guid TableGuid = new("9438d606-4f22-4cc9-b479-a793d411fd21");
    private static readonly Guid CmdlineGuid = new("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");
    private static readonly Guid InitrdGuid = new("44baf731-3a2f-4bd7-9af1-41e29169781d");
    private static readonly Guid KernelGuid = new("4de79437-abd2-427f-b835-d5b172d2045b");

    /// <summary>From the files' contents: no initrd hashes as empty input, no command line as the empty one (a lone NUL).</summary>
    public static KernelHashes Of(Stream kernel, Stream? initrd, string? cmdline)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return new KernelHashes(SHA256.HashData(kernel), initrd is null ? SHA256.HashData([]) : SHA256.HashData(initrd), CmdlineHash(cmdline));
    }

    /// <summary>SHA-256 of the command line's UTF-8 bytes and its terminating NUL.</summary>
    public static byte[] CmdlineHash(string? cmdline) => SHA256.HashData([.. Encoding.UTF8.GetBytes(cmdline ?? ""), 0]);

    /// <summary>The 176-byte table, as the guest's measured memory holds it.</summary>
    public byte[] Table()
    {
        var table = new byte[TableSize];
        TableGuid.TryWriteBytes(table);
        BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(16), TableLength);
        var at = 18;
        foreach (var (guid, hash) in new[] { (CmdlineGuid, Cmdline), (InitrdGuid, Initrd), (KernelGuid, Kernel) })
        {
            guid.TryWriteBytes(table.AsSpan(at));
            BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(at + 16), EntryLength);
            hash.CopyTo(table.AsSpan(at + 18));
            at += EntryLength;
        }

        return table;
    }
}
