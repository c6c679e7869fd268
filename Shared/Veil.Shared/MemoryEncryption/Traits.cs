namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// os-traits names. The specs write <c>HW_CPU_AMD_SEV</c> and <c>HW_CPU_AMD_SEV_SNP</c> as shorthand; the real
/// trait names carry the <c>X86</c> segment, and those are what Veil's providers and requests use.
/// </summary>
public static class Traits
{
    public const string AmdSev = "HW_CPU_X86_AMD_SEV";
    public const string AmdSevEs = "HW_CPU_X86_AMD_SEV_ES";
    public const string AmdSevSnp = "HW_CPU_X86_AMD_SEV_SNP";

    /// <summary>The host can boot guests from stateless (read-only, no NVRAM) firmware, as SEV-SNP needs.</summary>
    public const string StatelessFirmware = "COMPUTE_SECURITY_STATELESS_FIRMWARE";

    /// <summary>What a trait means to someone who does not read os-traits: <c>SEV-SNP</c>, <c>stateless firmware</c>.</summary>
    public static string InWords(string trait) =>
        MemoryEncryptionModels.All.FirstOrDefault(m => m.Trait == trait)?.DisplayName ?? (trait == StatelessFirmware ? "stateless firmware" : trait);
}
