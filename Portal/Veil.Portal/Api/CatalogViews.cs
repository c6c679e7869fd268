using Veil.Shared.Catalog;
using Veil.Shared.Contracts;
using Veil.Shared.MemoryEncryption;

namespace Veil.Portal.Api;

/// <summary>An image as the API lists it.</summary>
public sealed record ImageView(string Id, string Name, IReadOnlyDictionary<string, string> Properties);

/// <summary>A flavor as the API lists it.</summary>
public sealed record FlavorView(string Name, int VCpus, int MemoryMiB, int DiskGiB, IReadOnlyDictionary<string, string> ExtraSpecs, FlavorStatus Status)
{
    public string ProposedBy { get; init; } = "";

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Reason { get; init; }

    /// <summary>The memory-encryption model the flavor asks for, for its badge, by the API's resolver (null: not
    /// encrypted, or specs that do not resolve).</summary>
    public string? Model => MemoryEncryptionResolver.Check(ExtraSpecs, FlavorRules.FittingImage).Resolution?.Model?.ToName();
}

/// <summary>The preflight's answer: what the request resolves to, or the problem that stops it.</summary>
public sealed record PreflightView(string? Model, IReadOnlyList<string> RequiredTraits, IReadOnlyList<string> Checks, string? Problem);

/// <summary>What a flavor with an image could get now: hosts that fit, their free ASID slots, or why it cannot boot.</summary>
public sealed record FlavorCapacityView(string Flavor, string? Model, int Hosts, int? FreeSlots, string? Conflict);
