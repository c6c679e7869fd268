using System.Buffers.Binary;
using System.Text;

namespace Veil.Testing;

/// <summary>
/// Reads an ISO 9660 image without mounting it, as far as a test needs: the volume label and the files of the
/// primary directory tree, by path (version suffixes such as <c>;1</c> and a bare extension's dot dropped). Written from ECMA-119, so a test of
/// Veil's config drive does not read it with the tool that wrote it.
/// </summary>
public sealed class Iso9660
{
    private const int SectorSize = 2048;
    private readonly byte[] image;

    public Iso9660(string path)
    {
        image = File.ReadAllBytes(path);
        var descriptor = image.AsSpan(16 * SectorSize, SectorSize);
        if (descriptor[0] != 1 || Encoding.ASCII.GetString(descriptor[1..6]) != "CD001")
        {
            throw new InvalidDataException($"{path} has no ISO 9660 primary volume descriptor at sector 16.");
        }

        VolumeLabel = Encoding.ASCII.GetString(descriptor[40..72]).TrimEnd(' ');
        Files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Walk(descriptor[156..190].ToArray(), "");
    }

    public string VolumeLabel { get; }

    /// <summary>Every file, by its path from the root (<c>openstack/latest/meta_data.json</c>).</summary>
    public Dictionary<string, byte[]> Files { get; }

    private void Walk(byte[] directoryRecord, string prefix)
    {
        var (extent, length) = Extent(directoryRecord);
        var offset = 0;
        while (offset < length)
        {
            var recordLength = image[extent + offset];
            if (recordLength == 0)
            {
                offset = (offset / SectorSize + 1) * SectorSize; // records never cross a sector: the rest is padding
                continue;
            }

            var record = image.AsSpan(extent + offset, recordLength).ToArray();
            offset += recordLength;
            var name = Encoding.ASCII.GetString(record, 33, record[32]);
            if (name is "\0" or "\u0001")
            {
                continue; // "." and ".."
            }

            if ((record[25] & 2) != 0)
            {
                Walk(record, prefix + name + "/");
            }
            else
            {
                var (start, size) = Extent(record);
                var semicolon = name.IndexOf(';', StringComparison.Ordinal);
                // "name.ext;1": the version goes, and so does the dot of a name without an extension ("user_data.").
                Files[prefix + (semicolon < 0 ? name : name[..semicolon]).TrimEnd('.')] = image.AsSpan(start, size).ToArray();
            }
        }
    }

    private static (int Start, int Length) Extent(byte[] record) =>
        ((int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(2)) * SectorSize, (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(10)));
}
