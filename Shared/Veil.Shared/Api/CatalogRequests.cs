using System.ComponentModel.DataAnnotations;
using Veil.Shared.Catalog;
using Veil.Shared.Guests;

namespace Veil.Shared.Api;

/// <summary>Body of <c>POST /api/flavors</c>: a flavor proposed for approval.</summary>
public sealed record ProposeFlavorRequest(
    string? Name,
    [property: Range(1, FlavorRules.MaxVCpus)] int VCpus,
    [property: Range(FlavorRules.MinMemoryMiB, FlavorRules.MaxMemoryMiB)] int MemoryMiB,
    [property: Range(1, FlavorRules.MaxDiskGiB)] int DiskGiB,
    Dictionary<string, string>? ExtraSpecs = null);

/// <summary>Body of approve/reject: the reason is required to reject.</summary>
public sealed record FlavorDecisionRequest(string? Reason = null);

/// <summary>Body of <c>POST /api/images</c>.</summary>
public sealed record RegisterImageRequest(string? Id, string? Name = null, Dictionary<string, string>? Properties = null, GuestImage? Files = null);

/// <summary>What a flavor (with an image) could get now: hosts that fit, their free slots, or why it cannot boot.</summary>
public sealed record FlavorCapacity(string Flavor, string? Model, int Hosts, int? FreeSlots, string? Conflict);

/// <summary>Body of <c>POST /api/mem-encryption/resolve</c>.</summary>
public sealed record ResolveRequest(Dictionary<string, string>? FlavorExtraSpecs = null, Dictionary<string, string>? ImageProperties = null, string? MachineType = null);

/// <summary>What a request resolves to: the model, the resources to allocate, the traits a host must have, and the checks that passed.</summary>
public sealed record ResolveResponse(string? Model, IReadOnlyDictionary<string, int> Resources, IReadOnlyList<string> RequiredTraits, IReadOnlyList<string> Checks);
