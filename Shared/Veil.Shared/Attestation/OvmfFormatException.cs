namespace Veil.Shared.Attestation;

/// <summary>The part of an OVMF image that is missing or malformed.</summary>
public enum OvmfPart
{
    /// <summary>The file as a whole (size).</summary>
    Image,

    /// <summary>The GUIDed table that ends 32 bytes before the end of the file.</summary>
    FooterTable,

    /// <summary>The SEV-ES reset block: the APs' reset address.</summary>
    SevEsResetBlock,

    /// <summary>The SEV metadata: its header and sections.</summary>
    SevMetadata,

    /// <summary>The hash-table entry: where the kernel-hashes table goes.</summary>
    HashTable,
}

/// <summary>An OVMF image Veil cannot measure, naming the part that is missing or malformed.</summary>
public sealed class OvmfFormatException(OvmfPart part, string message) : FormatException(message)
{
    public OvmfPart Part { get; } = part;
}
