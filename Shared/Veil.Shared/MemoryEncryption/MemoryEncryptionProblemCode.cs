namespace Veil.Shared.MemoryEncryption;

/// <summary>Why a memory-encryption request was rejected. Each is a client error (HTTP 400).</summary>
public enum MemoryEncryptionProblemCode
{
    /// <summary>A boolean key has a value that is neither true nor false.</summary>
    InvalidBoolean,

    /// <summary>Flavor and image both set the request boolean, to different values.</summary>
    ConflictingRequest,

    /// <summary>A model key names no known model.</summary>
    UnknownModel,

    /// <summary>Flavor and image both set a model, and they differ.</summary>
    ConflictingModel,

    /// <summary>Encryption needs UEFI firmware and the image does not say <c>hw_firmware_type=uefi</c>.</summary>
    FirmwareNotUefi,

    /// <summary>Encryption needs a q35 machine type and the image or configuration names another.</summary>
    MachineTypeNotQ35,

    /// <summary>SEV-SNP needs <c>hw_firmware_stateless=true</c>.</summary>
    SnpNeedsStatelessFirmware,

    /// <summary>An encrypted guest's boot disk cannot be virtio-blk (bounce-buffer limits).</summary>
    VirtioBlkBootDisk,

    /// <summary>q35 has no IDE controller, so an encrypted guest can have no IDE disk or CD-ROM.</summary>
    IdeBus,

    /// <summary>The flavor asks for the resource or trait directly instead of through <c>hw:mem_encryption</c>.</summary>
    RawPlacementRequest,
}
