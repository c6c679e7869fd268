namespace Veil.Shared.Guests;

/// <summary>
/// The files an image boots from: its disk, and for a direct kernel boot (nova's <c>kernel_id</c>,
/// <c>ramdisk_id</c>) a kernel and an initrd. A guest's disk is a copy-on-write overlay of the image's disk; an
/// image without a disk gives a blank one of the flavor's size.
/// </summary>
public sealed record GuestImage(ImageFile? Disk = null, ImageFile? Kernel = null, ImageFile? Initrd = null)
{
    /// <summary>The parts an image may have, by the names the API and the hosts use.</summary>
    public static readonly string[] PartNames = ["disk", "kernel", "initrd"];

    /// <summary>The file of <paramref name="part"/>, or null when the image has none.</summary>
    public ImageFile? Of(string part) => part switch
    {
        "disk" => Disk,
        "kernel" => Kernel,
        "initrd" => Initrd,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "An image's parts are disk, kernel and initrd."),
    };

    /// <summary>This image with <paramref name="file"/> as its <paramref name="part"/>.</summary>
    public GuestImage With(string part, ImageFile file) => part switch
    {
        "disk" => this with { Disk = file },
        "kernel" => this with { Kernel = file },
        "initrd" => this with { Initrd = file },
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "An image's parts are disk, kernel and initrd."),
    };

    public IEnumerable<(string Part, ImageFile File)> Parts()
    {
        if (Disk is not null)
        {
            yield return ("disk", Disk);
        }

        if (Kernel is not null)
        {
            yield return ("kernel", Kernel);
        }

        if (Initrd is not null)
        {
            yield return ("initrd", Initrd);
        }
    }
}

/// <summary>
/// One file of an image, where hosts fetch it from and what it must be: <c>file:///path</c> on every host (large
/// images registered in place) or <c>blob:&lt;container&gt;/&lt;name&gt;</c> in Veil's storage account (uploaded).
/// A host checks size and SHA-256 before it uses a byte of it.
/// </summary>
/// <param name="Source">Where the file is.</param>
/// <param name="SizeBytes">Its length.</param>
/// <param name="Sha256">Its SHA-256, 64 lowercase hex digits.</param>
/// <param name="Format">For a disk: <c>qcow2</c> or <c>raw</c>; null for a kernel or initrd.</param>
public sealed record ImageFile(string Source, long SizeBytes, string Sha256, string? Format = null)
{
    /// <summary>
    /// For a disk: the size of the disk the guest sees (qcow2's virtual size; a raw file's length), when known —
    /// measured on upload, or given at registration. A flavor's disk must hold it (nova's FlavorDiskSmallerThanImage).
    /// </summary>
    public long? VirtualSizeBytes { get; init; }

    public const string FileScheme = "file://";
    public const string BlobScheme = "blob:";

    public static readonly string[] DiskFormats = ["qcow2", "raw"];

    /// <summary>What is wrong with this file's description, for the admin registering it (null: nothing).</summary>
    public string? Problem(string part)
    {
        var isDisk = part == "disk";
        if (Source is null || !(Source.StartsWith(FileScheme + "/", StringComparison.Ordinal) || (Source.StartsWith(BlobScheme, StringComparison.Ordinal) && Source.Length > BlobScheme.Length)))
        {
            return $"{part}: source '{Source}' must be file:///<absolute path on every host> or blob:<container>/<name>.";
        }

        if (Source.Contains("/../", StringComparison.Ordinal) || Source.EndsWith("/..", StringComparison.Ordinal))
        {
            return $"{part}: source '{Source}' must not contain '..'.";
        }

        if (SizeBytes <= 0)
        {
            return $"{part}: sizeBytes is {SizeBytes}; it must be the file's length in bytes.";
        }

        if (Sha256 is null || Sha256.Length != 64 || !Sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
        {
            return $"{part}: sha256 '{Sha256}' must be 64 lowercase hex digits.";
        }

        if (isDisk && !DiskFormats.Contains(Format))
        {
            return $"{part}: format '{Format}' must be one of {string.Join(", ", DiskFormats)}.";
        }

        if (VirtualSizeBytes is <= 0 || (!isDisk && VirtualSizeBytes is not null))
        {
            return isDisk ? $"{part}: virtualSizeBytes is {VirtualSizeBytes}; it must be the disk's size in bytes, or left out." : $"{part}: a {part} has no virtual size; leave it out.";
        }

        return !isDisk && Format is not null ? $"{part}: a {part} has no format; leave it out." : null;
    }
}
