namespace Veil.Portal.Api;

/// <summary>An image as the API lists it.</summary>
public sealed record ImageView(string Id, string Name, IReadOnlyDictionary<string, string> Properties);

/// <summary>A flavor as the API lists it.</summary>
public sealed record FlavorView(string Name, int VCpus, int MemoryMiB, int DiskGiB, IReadOnlyDictionary<string, string> ExtraSpecs, string Status)
{
    public string ProposedBy { get; init; } = "";

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Reason { get; init; }

    /// <summary>The memory-encryption model the flavor asks for, for its badge (null: not encrypted).</summary>
    public string? Model => ExtraSpecs.TryGetValue("hw:mem_encryption", out var on) && on.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1" or "y" or "t"
        ? ExtraSpecs.GetValueOrDefault("hw:mem_encryption_model", "amd-sev")
        : null;
}

/// <summary>The preflight's answer: what the request resolves to, or the problem that stops it.</summary>
public sealed record PreflightView(string? Model, IReadOnlyList<string> RequiredTraits, IReadOnlyList<string> Checks, string? Problem);

/// <summary>What a flavor with an image could get now: hosts that fit, their free ASID slots, or why it cannot boot.</summary>
public sealed record FlavorCapacityView(string Flavor, string? Model, int Hosts, int? FreeSlots, string? Conflict);
