namespace Veil.Shared.MemoryEncryption;

/// <summary>The three AMD memory-encryption models a guest can ask for (nova's <c>hw:mem_encryption_model</c>).</summary>
public enum MemoryEncryptionModel
{
    /// <summary><c>amd-sev</c>: encrypted memory.</summary>
    AmdSev,

    /// <summary><c>amd-sev-es</c>: encrypted memory and register state.</summary>
    AmdSevEs,

    /// <summary><c>amd-sev-snp</c>: SEV-ES plus memory integrity (secure nested paging) and attestation.</summary>
    AmdSevSnp,
}
