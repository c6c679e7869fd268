using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>What a host can do for encrypted guests, and why.</summary>
/// <param name="HostName">The host.</param>
/// <param name="SupportedModels">Models the host offers: each has its provider with slots.</param>
/// <param name="Providers">The provider tree, root first.</param>
/// <param name="Checklist">Every prerequisite of both specs, met or not, with what was seen.</param>
/// <param name="Warnings">Things the operator should know that do not fit one checklist line.</param>
/// <param name="SnpEnabled">SEV-SNP is switched on (cpuinfo flag or kvm_amd parameter), which disables SEV-ES.</param>
/// <param name="CBitPos">From domain capabilities, for libvirt older than 6.9.</param>
/// <param name="ReducedPhysBits">From domain capabilities, for libvirt older than 6.9.</param>
public sealed record HostCapabilities(
    string HostName,
    IReadOnlyList<MemoryEncryptionModel> SupportedModels,
    IReadOnlyList<ResourceProvider> Providers,
    IReadOnlyList<ChecklistItem> Checklist,
    IReadOnlyList<string> Warnings,
    bool SnpEnabled,
    int? CBitPos,
    int? ReducedPhysBits)
{
    public bool Supports(MemoryEncryptionModel model) => SupportedModels.Contains(model);

    /// <summary>The child provider of a model, or null when the host does not offer it.</summary>
    public ResourceProvider? ProviderFor(MemoryEncryptionModel model) => Providers.FirstOrDefault(p => p.Model == model);

    /// <summary>The checklist lines that keep a model from being offered.</summary>
    public IEnumerable<ChecklistItem> Blocking(MemoryEncryptionModel model) =>
        Checklist.Where(c => c.Status != ChecklistStatus.Met && c.Gates.Contains(model));
}
