using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Veil.Shared.Guests;
using Veil.Storage;

namespace Veil.Orchestrations.Images;

/// <summary>
/// Stores an uploaded image file as a block blob <c>veil-images/&lt;image&gt;/&lt;part&gt;/&lt;upload id&gt;</c>, hashing
/// and counting as the blocks go, so the file's size and SHA-256 are what was received, never what a client said.
/// Nothing is committed until the last block is in: an upload that is cut off or refused leaves no blob.
/// </summary>
public sealed class ImageUploads(StorageAccount storage, IOptions<ImageOptions> options)
{
    public const string Container = "veil-images";

    private const int BlockBytes = 4 << 20;

    /// <summary>The stored file, or why the body cannot be this image's <paramref name="part"/> (nothing stored).</summary>
    public async Task<(ImageFile? File, UploadRefusal? Refusal)> StoreAsync(string imageId, string part, string? format, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var name = $"{imageId}/{part}/{Guid.NewGuid():N}";
        var blob = (await storage.ContainerAsync(Container)).GetBlockBlobClient(name);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BlockBytes];
        var blocks = new List<string>();
        var header = Array.Empty<byte>();
        long length = 0;
        while (await FillAsync(body, buffer, cancellationToken) is var filled and > 0)
        {
            if (length == 0 && FormatProblem(part, format, buffer.AsSpan(0, filled)) is { } formatProblem)
            {
                return (null, new UploadRefusal(false, formatProblem));
            }

            if (length == 0)
            {
                header = buffer[..Math.Min(filled, DiskImageHeader.Length)];
            }

            length += filled;
            if (length > options.Value.MaxUploadBytes)
            {
                return (null, new UploadRefusal(true, $"The {part} is larger than {options.Value.MaxUploadMiB} MiB, the most {ImageOptions.Section}:{nameof(ImageOptions.MaxUploadMiB)} allows; register a file this large from a path on the hosts (file://) instead."));
            }

            sha256.AppendData(buffer, 0, filled);
            var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(blocks.Count.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)));
            await blob.StageBlockAsync(blockId, new MemoryStream(buffer, 0, filled, writable: false), cancellationToken: cancellationToken);
            blocks.Add(blockId);
        }

        if (length == 0)
        {
            return (null, new UploadRefusal(false, $"The body is empty; send the {part}'s bytes."));
        }

        await blob.CommitBlockListAsync(blocks, cancellationToken: cancellationToken);
        var file = new ImageFile($"{ImageFile.BlobScheme}{Container}/{name}", length, Convert.ToHexStringLower(sha256.GetHashAndReset()), part == "disk" ? format : null)
        {
            VirtualSizeBytes = part == "disk" ? DiskImageHeader.VirtualSize(format!, header, length) : null,
        };
        return (file, null);
    }

    /// <summary>Removes a stored file that ended up not being the image's (another upload of the part won).</summary>
    public async Task DeleteAsync(ImageFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var name = file.Source[(ImageFile.BlobScheme.Length + Container.Length + 1)..];
        await (await storage.ContainerAsync(Container)).DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A disk said to be qcow2 must start as one; one said to be raw must not, or the guest would be handed the
    /// qcow2 header (and whatever backing file it names) as its own disk's first sectors.
    /// </summary>
    private static string? FormatProblem(string part, string? format, ReadOnlySpan<byte> start) => (part, format, DiskImageHeader.IsQcow2(start)) switch
    {
        ("disk", "qcow2", false) => "The disk was said to be qcow2 but does not start with qcow2's magic ('QFI\\xfb'); upload it with format=raw if it is a raw disk.",
        ("disk", "raw", true) => "The disk was said to be raw but is a qcow2 image; upload it with format=qcow2.",
        _ => null,
    };

    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length && await body.ReadAsync(buffer.AsMemory(filled), cancellationToken) is var read and > 0)
        {
            filled += read;
        }

        return filled;
    }
}

/// <summary>Why an upload was refused; <paramref name="TooLarge"/> answers 413 rather than 400.</summary>
public sealed record UploadRefusal(bool TooLarge, string Message);
