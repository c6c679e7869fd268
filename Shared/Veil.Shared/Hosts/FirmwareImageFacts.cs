using Veil.Shared.Attestation;

namespace Veil.Shared.Hosts;

/// <summary>
/// What the host checklist needs to know of a firmware image an SEV-SNP descriptor names: whether it carries SEV
/// metadata (an SNP guest launches, and is measured, with it) and whether it can measure a directly booted kernel
/// (a non-zero kernel-hashes area and an SNP_KERNEL_HASHES section); or why the image could not be read.
/// </summary>
public sealed record FirmwareImageFacts(bool HasSevMetadata, bool MeasuresKernel, string? Problem = null)
{
    /// <summary>The facts of an image's bytes; <paramref name="readError"/> when the file could not be read.</summary>
    public static FirmwareImageFacts Of(byte[]? bytes, string? readError = null)
    {
        if (bytes is null)
        {
            return new FirmwareImageFacts(false, false, readError ?? "not read");
        }

        try
        {
            var image = OvmfImage.Parse(bytes);
            return new FirmwareImageFacts(image.HasSevMetadata, image.SupportsKernelHashes && image.Sections.Any(s => s.Type == SevSectionType.SnpKernelHashes));
        }
        catch (OvmfFormatException e)
        {
            return new FirmwareImageFacts(false, false, e.Message);
        }
    }

    /// <summary>
    /// The facts of each image the SEV-SNP descriptors among <paramref name="descriptors"/> name (path → JSON), read by
    /// <paramref name="read"/> (the host's file system, under its root), by the path the descriptor names.
    /// </summary>
    public static Dictionary<string, FirmwareImageFacts> ForSnpDescriptors(IEnumerable<KeyValuePair<string, string>> descriptors, Func<string, byte[]> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var images = new Dictionary<string, FirmwareImageFacts>(StringComparer.Ordinal);
        foreach (var descriptor in FirmwareDescriptorReader.OfferingSnp(descriptors))
        {
            if (descriptor.MappingFilename is { } file && !images.ContainsKey(file))
            {
                try
                {
                    images[file] = Of(read(file));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    images[file] = Of(null, $"cannot be read: {e.Message}");
                }
            }
        }

        return images;
    }

    public string Describe() => Problem ?? (HasSevMetadata, MeasuresKernel) switch
    {
        (true, true) => "SEV metadata, and a kernel-hashes area",
        (true, false) => "SEV metadata; no kernel-hashes area (its hash-table entry is zero)",
        _ => "no SEV metadata",
    };
}
