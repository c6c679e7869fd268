using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Veil.Shared.Attestation;

/// <summary>
/// An OVMF firmware image as the SEV launch measurements read it: its bytes (mapped to end just below 4 GiB), and
/// what its GUIDed footer table says — the APs' reset address, the SEV metadata sections, the kernel-hashes area.
/// </summary>
public sealed class OvmfImage
{
    public const int PageSize = 4096;

    /// <summary>The footer table's own entry ends this many bytes before the end of the file.</summary>
    private const int FooterEnd = 32;

    /// <summary>An entry's trailer: its length (u16) and GUID.</summary>
    private const int EntryTrailer = 18;

    private static readonly Guid FooterGuid = new("96b582de-1fb2-45f7-baea-a366c55a082d");
    private static readonly Guid SevEsResetBlockGuid = new("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
    private static readonly Guid SevMetadataGuid = new("dc886566-984a-4798-a75e-5585a7bf67cc");
    private static readonly Guid HashTableGuid = new("7255371f-3a3b-4b04-927b-1da6efa8d454");

    /// <summary>More memory than this in SEV metadata sections is a broken image (OVMF declares well under 1 MiB).</summary>
    private const long MaxSectionBytes = 64L * 1024 * 1024;

    private readonly byte[] bytes;

    private OvmfImage(byte[] bytes, uint? apResetEip, IReadOnlyList<SevMetadataSection> sections, (uint Gpa, uint Size) hashTable)
    {
        this.bytes = bytes;
        ApResetEip = apResetEip;
        Sections = sections;
        HashTableGpa = hashTable.Gpa;
        HashTableSize = hashTable.Size;
    }

    /// <summary>The file's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => bytes;

    /// <summary>Where the file's first byte is mapped: it ends just below 4 GiB.</summary>
    public ulong Gpa => 0x1_0000_0000UL - (ulong)bytes.Length;

    /// <summary>The APs' reset address from the SEV-ES reset block; null when the image has none.</summary>
    public uint? ApResetEip { get; }

    /// <summary>The SEV metadata sections, in table order; empty when the image carries no SEV metadata.</summary>
    public IReadOnlyList<SevMetadataSection> Sections { get; }

    /// <summary>The kernel-hashes area's address and size (0 and 0: measured direct kernel boot is not supported).</summary>
    public uint HashTableGpa { get; }

    public uint HashTableSize { get; }

    /// <summary>Whether QEMU can put the kernel-hashes table in this firmware (a non-zero area that holds it).</summary>
    public bool SupportsKernelHashes => HashTableGpa != 0 && HashTableSize >= KernelHashes.TableSize;

    /// <summary>Whether it carries SEV metadata (what an SNP launch needs).</summary>
    public bool HasSevMetadata => Sections.Count > 0;

    /// <summary>SHA-256 of the file, as a tenant checks the firmware they were told about.</summary>
    public byte[] Sha256() => SHA256.HashData(bytes);

    /// <summary>Parses an image; what is missing or malformed is an <see cref="OvmfFormatException"/> naming the part.</summary>
    public static OvmfImage Parse(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Length < PageSize || image.Length % PageSize != 0 || (ulong)image.Length > 0x1_0000_0000UL)
        {
            throw new OvmfFormatException(OvmfPart.Image, $"an OVMF image is a whole number of 4 KiB pages (at least one, below 4 GiB); this one is {image.Length} bytes");
        }

        var table = FooterTable(image);
        uint? apEip = table.TryGetValue(SevEsResetBlockGuid, out var reset)
            ? reset.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(reset) : throw new OvmfFormatException(OvmfPart.SevEsResetBlock, $"the SEV-ES reset block holds {reset.Length} bytes, not a 4-byte address")
            : null;
        var sections = table.TryGetValue(SevMetadataGuid, out var metadata) ? Metadata(image, metadata) : [];
        var hashTable = (0u, 0u);
        if (table.TryGetValue(HashTableGuid, out var hashes))
        {
            hashTable = hashes.Length >= 8
                ? (BinaryPrimitives.ReadUInt32LittleEndian(hashes), BinaryPrimitives.ReadUInt32LittleEndian(hashes.AsSpan(4)))
                : throw new OvmfFormatException(OvmfPart.HashTable, $"the hash-table entry holds {hashes.Length} bytes, not an address and a size");
        }

        return new OvmfImage(image, apEip, sections, hashTable);
    }

    /// <summary>The footer table's entries by GUID, walked backwards from the footer.</summary>
    private static Dictionary<Guid, byte[]> FooterTable(byte[] image)
    {
        var footerStart = image.Length - FooterEnd - EntryTrailer;
        if (new Guid(image.AsSpan(footerStart + 2, 16)) != FooterGuid)
        {
            throw new OvmfFormatException(OvmfPart.FooterTable, $"no GUIDed footer table ({FooterGuid}) 32 bytes before the end of the image: not an OVMF build, or not one that supports SEV");
        }

        var total = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(footerStart));
        if (total < EntryTrailer || total - EntryTrailer > footerStart)
        {
            throw new OvmfFormatException(OvmfPart.FooterTable, $"the footer table says it is {total} bytes long, which does not fit the image");
        }

        var start = footerStart - (total - EntryTrailer);
        var entries = new Dictionary<Guid, byte[]>();
        for (var end = footerStart; end - start >= EntryTrailer;)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(end - EntryTrailer));
            var guid = new Guid(image.AsSpan(end - 16, 16));
            if (length < EntryTrailer || length > end - start)
            {
                throw new OvmfFormatException(OvmfPart.FooterTable, $"footer table entry {guid} says it is {length} bytes long, which does not fit the table");
            }

            entries.TryAdd(guid, image[(end - length)..(end - EntryTrailer)]);
            end -= length;
        }

        return entries;
    }

    /// <summary>The SEV metadata header (<c>ASEV</c>, version 1) and its sections, from the offset its entry gives.</summary>
    private static SevMetadataSection[] Metadata(byte[] image, byte[] entry)
    {
        if (entry.Length < 4)
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, $"the SEV metadata entry holds {entry.Length} bytes, not a 4-byte offset");
        }

        var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        if (offset < 16 || offset > image.Length)
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, $"the SEV metadata is said to start {offset} bytes before the end of the image, which is outside it");
        }

        var header = image.AsSpan(image.Length - (int)offset);
        if (!header[..4].SequenceEqual("ASEV"u8))
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, $"the SEV metadata header's signature is '{Convert.ToHexString(header[..4])}', not 'ASEV'");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (version != 1)
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, $"SEV metadata version {version} is not known (only 1 is)");
        }

        if (length < 16 + (12UL * count) || length > header.Length)
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, $"the SEV metadata says it is {length} bytes long with {count} sections, which does not fit");
        }

        var sections = new SevMetadataSection[count];
        for (var i = 0; i < count; i++)
        {
            var item = header[(16 + (12 * i))..];
            var (gpa, size, type) = (BinaryPrimitives.ReadUInt32LittleEndian(item), BinaryPrimitives.ReadUInt32LittleEndian(item[4..]), BinaryPrimitives.ReadUInt32LittleEndian(item[8..]));
            if (!Enum.IsDefined((SevSectionType)type))
            {
                throw new OvmfFormatException(OvmfPart.SevMetadata, $"SEV metadata section {i} has type {type}, which is not known");
            }

            if (gpa % PageSize != 0 || size == 0 || size % PageSize != 0 || (ulong)gpa + size > 0x1_0000_0000UL)
            {
                throw new OvmfFormatException(OvmfPart.SevMetadata, $"SEV metadata section {i} ({(SevSectionType)type}) at 0x{gpa:x}, {size} bytes, is not whole pages below 4 GiB");
            }

            sections[i] = new SevMetadataSection(gpa, size, (SevSectionType)type);
        }

        var covered = sections.Sum(s => (long)s.Length);
        return covered <= MaxSectionBytes
            ? sections
            : throw new OvmfFormatException(OvmfPart.SevMetadata, $"the SEV metadata sections cover {covered / (1024 * 1024)} MiB, more than the {MaxSectionBytes / (1024 * 1024)} MiB any OVMF build declares");
    }
}
