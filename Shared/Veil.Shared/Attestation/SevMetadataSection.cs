namespace Veil.Shared.Attestation;

/// <summary>What a section of OVMF's SEV metadata holds, as the PSP is told at launch.</summary>
public enum SevSectionType : uint
{
    /// <summary>Pre-validated memory, measured as zero pages.</summary>
    SnpSecMem = 1,

    /// <summary>The SNP secrets page.</summary>
    SnpSecrets = 2,

    /// <summary>The CPUID table page (checked by the PSP, not measured).</summary>
    Cpuid = 3,

    /// <summary>The SVSM calling area, measured as zero pages.</summary>
    SvsmCaa = 4,

    /// <summary>Where the kernel-hashes table lives for SNP.</summary>
    SnpKernelHashes = 0x10,
}

/// <summary>One section of OVMF's SEV metadata: guest-physical address, length and type.</summary>
public sealed record SevMetadataSection(uint Gpa, uint Length, SevSectionType Type);
