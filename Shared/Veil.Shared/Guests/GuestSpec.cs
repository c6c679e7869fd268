namespace Veil.Shared.Guests;

/// <summary>
/// A server as the host must define it: identity, size, and the flavor's extra specs and the image's properties
/// from which the memory-encryption rules are resolved again on the host (the same rules as at the API, so no
/// XML can be built that the API would have refused).
/// </summary>
public sealed record GuestSpec
{
    /// <summary>The server id; also the domain's UUID, which makes a repeated define the same domain.</summary>
    public required Guid ServerId { get; init; }

    /// <summary>The tenant's name for the server (free text: written into the XML only through an XML writer).</summary>
    public required string Name { get; init; }

    public required string ProjectId { get; init; }

    public required string FlavorName { get; init; }

    public required int VCpus { get; init; }

    public required int MemoryMiB { get; init; }

    public required int DiskGiB { get; init; }

    public string ImageId { get; init; } = "";

    public IReadOnlyDictionary<string, string> FlavorExtraSpecs { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> ImageProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>Tenant metadata, kept in the domain's Veil metadata element.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The image's files (disk, kernel, initrd); null for an image registered without any.</summary>
    public GuestImage? Image { get; init; }

    /// <summary>Boots a kernel directly (nova's <c>kernel_id</c>): the image has a kernel file, or names one.</summary>
    public bool BootsKernelDirectly => Image?.Kernel is not null || ImageProperties.ContainsKey(MemoryEncryption.RequestKeys.ImageKernelId);

    /// <summary>Boots with an initrd beside its kernel (nova's <c>ramdisk_id</c>).</summary>
    public bool HasInitrd => BootsKernelDirectly && (Image?.Initrd is not null || ImageProperties.ContainsKey(MemoryEncryption.RequestKeys.ImageRamdiskId));

    /// <summary>The key pair cloud-init installs for the default user (nova's <c>key_name</c>).</summary>
    public GuestKey? KeyPair { get; init; }

    /// <summary>User data for cloud-init, base64 as nova takes it (<c>user_data</c>), at most <see cref="GuestRules.MaxUserDataBytes"/> decoded.</summary>
    public string? UserData { get; init; }

    /// <summary>
    /// Attach a config drive (as a CD-ROM on a SCSI or SATA bus: q35 has no IDE): nova's ISO 9660 disk labelled
    /// <c>config-2</c> that the host builds with the guest's metadata, key and user data. Veil has no metadata
    /// service, so a server with a key pair or user data always gets one.
    /// </summary>
    public bool ConfigDrive { get; init; }
}
