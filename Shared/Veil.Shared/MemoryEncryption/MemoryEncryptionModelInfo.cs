namespace Veil.Shared.MemoryEncryption;

/// <summary>Everything that differs between the three models, in one row (NOVA-RULES' table).</summary>
/// <param name="Model">The model.</param>
/// <param name="Name">The value of <c>hw:mem_encryption_model</c>, e.g. <c>amd-sev-snp</c>.</param>
/// <param name="Trait">The os-traits trait a host provider must have to run the model.</param>
/// <param name="ProviderSuffix">The child resource provider's suffix: <c>&lt;host&gt;_amd_sev_snp</c>.</param>
/// <param name="Pool">Which ASID pool the model's slots come from.</param>
/// <param name="Policy">The guest policy written into <c>&lt;launchSecurity&gt;</c>.</param>
/// <param name="LaunchSecurityType">libvirt's <c>launchSecurity/@type</c>.</param>
/// <param name="LocksMemory">Whether the guest's memory must be <c>&lt;locked/&gt;</c>.</param>
/// <param name="DisplayName">How people call it.</param>
public sealed record MemoryEncryptionModelInfo(
    MemoryEncryptionModel Model,
    string Name,
    string Trait,
    string ProviderSuffix,
    AsidPool Pool,
    uint Policy,
    string LaunchSecurityType,
    bool LocksMemory,
    string DisplayName)
{
    /// <summary>The policy as libvirt expects it: hexadecimal, four digits for SEV/SEV-ES, eight for SNP.</summary>
    public string PolicyText => Model == MemoryEncryptionModel.AmdSevSnp ? $"0x{Policy:x8}" : $"0x{Policy:x4}";
}
