using System.Diagnostics.CodeAnalysis;

namespace Veil.Shared.MemoryEncryption;

/// <summary>The table of models and the lookups on it.</summary>
public static class MemoryEncryptionModels
{
    /// <summary>The SEV-ES bit of the guest policy (AMD SEV API, section 3).</summary>
    public const uint EncryptedStatePolicyBit = 0x4;

    /// <summary>The three models, in the order they were introduced.</summary>
    public static IReadOnlyList<MemoryEncryptionModelInfo> All { get; } =
    [
        new(MemoryEncryptionModel.AmdSev, "amd-sev", Traits.AmdSev, "_amd_sev", AsidPool.Sev,
            0x0033, "sev", LocksMemory: true, "SEV"),
        new(MemoryEncryptionModel.AmdSevEs, "amd-sev-es", Traits.AmdSevEs, "_amd_sev_es", AsidPool.EncryptedState,
            0x0037, "sev", LocksMemory: true, "SEV-ES"),
        new(MemoryEncryptionModel.AmdSevSnp, "amd-sev-snp", Traits.AmdSevSnp, "_amd_sev_snp", AsidPool.EncryptedState,
            0x00030000, "sev-snp", LocksMemory: false, "SEV-SNP"),
    ];

    /// <summary>The allowed values of the model keys, for error messages: <c>amd-sev, amd-sev-es, amd-sev-snp</c>.</summary>
    public static string AllowedNames { get; } = string.Join(", ", All.Select(m => m.Name));

    /// <summary>The row of a model.</summary>
    public static MemoryEncryptionModelInfo Info(this MemoryEncryptionModel model) => All[(int)model];

    /// <summary>The model's <c>hw:mem_encryption_model</c> value.</summary>
    public static string ToName(this MemoryEncryptionModel model) => model.Info().Name;

    /// <summary>Parses a model name exactly as nova does: case-sensitive, surrounding white space ignored.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out MemoryEncryptionModel? model)
    {
        var trimmed = name?.Trim();
        foreach (var info in All)
        {
            if (string.Equals(info.Name, trimmed, StringComparison.Ordinal))
            {
                model = info.Model;
                return true;
            }
        }

        model = null;
        return false;
    }

    /// <summary>
    /// Which model a defined guest runs, read back from its <c>launchSecurity</c> type and policy; null when the
    /// type is not one of AMD's.
    /// </summary>
    public static MemoryEncryptionModel? FromLaunchSecurity(string? type, uint policy) => type switch
    {
        "sev" when (policy & EncryptedStatePolicyBit) != 0 => MemoryEncryptionModel.AmdSevEs,
        "sev" => MemoryEncryptionModel.AmdSev,
        "sev-snp" => MemoryEncryptionModel.AmdSevSnp,
        _ => null,
    };
}
