using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Quotas;

/// <summary>The quota resources by the names nova gives them (<c>instances</c>, <c>cores</c>, <c>ram</c>), and Veil's
/// own per model: <c>mem_encryption_context:amd-sev-snp</c>.</summary>
public static class QuotaNames
{
    public const string Instances = "instances";

    public const string Cores = "cores";

    public const string Ram = "ram";

    private const string ContextPrefix = "mem_encryption_context:";

    /// <summary>nova's three.</summary>
    public static IReadOnlyList<string> Scalars { get; } = [Instances, Cores, Ram];

    /// <summary>Every quota, in the order a request is checked against them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Scalars, .. MemoryEncryptionModels.All.Select(m => MemEncryptionContext(m.Model))];

    public static string MemEncryptionContext(MemoryEncryptionModel model) => ContextPrefix + model.ToName();

    /// <summary>The model of a <c>mem_encryption_context:</c> quota; null for the others.</summary>
    public static MemoryEncryptionModel? ModelOf(string quota) =>
        quota.StartsWith(ContextPrefix, StringComparison.Ordinal) && MemoryEncryptionModels.TryParse(quota[ContextPrefix.Length..], out var model) ? model : null;

    /// <summary>The JSON field of a quota in a <see cref="QuotaSet"/>.</summary>
    public static string Field(string quota) => quota switch
    {
        Instances => "instances",
        Cores => "cores",
        Ram => "ramMiB",
        _ => $"memEncryptionContexts.{ModelOf(quota)?.ToName()}",
    };

    /// <summary>The unit a person reads after a number of it.</summary>
    public static string Unit(string quota) => quota switch
    {
        Instances => "instances",
        Cores => "cores",
        Ram => "MiB of RAM",
        _ => $"{ModelOf(quota)?.Info().DisplayName} memory-encryption contexts",
    };
}
