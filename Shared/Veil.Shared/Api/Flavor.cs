using System.Text.Json.Serialization;
using Veil.Shared.Catalog;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Api;

/// <summary>A flavor: size and extra specs; only approved flavors boot. Who proposed and who decided are kept.</summary>
public sealed record Flavor
{
    public required string Name { get; init; }

    public required int VCpus { get; init; }

    public required int MemoryMiB { get; init; }

    public required int DiskGiB { get; init; }

    public IReadOnlyDictionary<string, string> ExtraSpecs { get; init; } = new Dictionary<string, string>();

    public FlavorStatus Status { get; init; }

    public string ProposedBy { get; init; } = "";

    /// <summary>The project of whoever proposed it: its pending proposals are bounded (<c>Quota:PendingFlavorProposals</c>).</summary>
    public string ProposedByProject { get; init; } = "";

    public DateTimeOffset ProposedAt { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Reason { get; init; }

    /// <summary>The memory-encryption model the flavor asks for, by the resolver (null: not encrypted, or extra
    /// specs that do not resolve).</summary>
    [JsonIgnore]
    public MemoryEncryptionModel? Model => MemoryEncryptionResolver.Check(ExtraSpecs, FlavorRules.FittingImage).Resolution?.Model;
}

/// <summary>An image a tenant may boot, with its properties (<c>hw_firmware_type</c>, <c>hw_mem_encryption</c>, …).</summary>
public sealed record Image
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>What the image boots from (disk, kernel, initrd), with each file's size and SHA-256; null: nothing,
    /// a guest gets a blank disk.</summary>
    public GuestImage? Files { get; init; }
}
