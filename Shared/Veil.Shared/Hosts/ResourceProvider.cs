using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>A node of a host's resource-provider tree: the compute root, or a child per memory-encryption model.</summary>
/// <param name="Name">The root is the host name; children are <c>&lt;host&gt;_amd_sev</c>, <c>_amd_sev_es</c>, <c>_amd_sev_snp</c>.</param>
/// <param name="ParentName">Null for the root.</param>
/// <param name="Traits">The provider's traits.</param>
/// <param name="Inventories">Resource class → inventory.</param>
/// <param name="Model">The model a child provider serves; null for the root.</param>
/// <param name="Asids">The ledger slots of a child provider; null for the root.</param>
public sealed record ResourceProvider(
    string Name,
    string? ParentName,
    IReadOnlyList<string> Traits,
    IReadOnlyDictionary<string, Inventory> Inventories,
    MemoryEncryptionModel? Model,
    AsidRange? Asids);
