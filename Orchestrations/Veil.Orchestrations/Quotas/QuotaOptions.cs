using Veil.Hosting;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Quotas;

namespace Veil.Orchestrations.Quotas;

/// <summary>
/// The quotas of a project an admin has not set, bound from <c>Quota</c> and checked at start. nova's defaults;
/// -1 means unlimited.
/// </summary>
public sealed class QuotaOptions : ICheckedOptions
{
    public const string Section = "Quota";

    /// <summary>Servers per project (nova's <c>instances</c>). Default 10.</summary>
    public int Instances { get; set; } = 10;

    /// <summary>vCPUs per project (nova's <c>cores</c>). Default 20.</summary>
    public int Cores { get; set; } = 20;

    /// <summary>RAM per project in MiB (nova's <c>ram</c>). Default 51200.</summary>
    public int RamMiB { get; set; } = 50 * 1024;

    /// <summary>Encrypted servers per project, for each memory-encryption model (Veil's <c>mem_encryption_context</c>). Default 10.</summary>
    public int MemEncryptionContexts { get; set; } = 10;

    /// <summary>Flavors a project's tenants may have awaiting an admin's decision at once (1 - 1000); admins' own are not counted. Default 10.</summary>
    public int PendingFlavorProposals { get; set; } = 10;

    public QuotaSet Defaults() =>
        new(Instances, Cores, RamMiB, MemoryEncryptionModels.All.ToDictionary(m => m.Name, _ => MemEncryptionContexts));

    public IEnumerable<string> Problems() => SettingRules.Of(
        SettingRules.Between($"{Section}:{nameof(Instances)}", Instances, QuotaSet.Unlimited, int.MaxValue),
        SettingRules.Between($"{Section}:{nameof(Cores)}", Cores, QuotaSet.Unlimited, int.MaxValue),
        SettingRules.Between($"{Section}:{nameof(RamMiB)}", RamMiB, QuotaSet.Unlimited, int.MaxValue),
        SettingRules.Between($"{Section}:{nameof(MemEncryptionContexts)}", MemEncryptionContexts, QuotaSet.Unlimited, int.MaxValue),
        SettingRules.Between($"{Section}:{nameof(PendingFlavorProposals)}", PendingFlavorProposals, 1, 1000));
}
