using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>One line of the operator checklist.</summary>
/// <param name="Id">A stable identifier, e.g. <c>kvm_amd.sev_snp</c>.</param>
/// <param name="Requirement">What is required, in words.</param>
/// <param name="Status">Met, not met, or unknown.</param>
/// <param name="Observed">What the probe saw.</param>
/// <param name="Remedy">What the operator should do when the line is not met or unknown; null when met.</param>
/// <param name="Gates">The models that cannot be offered unless this line is met; empty for lines that only inform.</param>
public sealed record ChecklistItem(
    string Id,
    string Requirement,
    ChecklistStatus Status,
    string Observed,
    string? Remedy,
    IReadOnlyList<MemoryEncryptionModel> Gates);
