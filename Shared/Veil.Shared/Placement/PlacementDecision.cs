using Veil.Shared.Hosts;

namespace Veil.Shared.Placement;

/// <summary>A host that can take the guest: the provider its slot comes from and how much room is left.</summary>
public sealed record PlacementCandidate(string HostName, string? ProviderName, AsidRange? Asids, int Free, int Capacity);

/// <summary>Why a host was left out, as a tenant may be told it (no host named).</summary>
public enum PlacementRejectionKind
{
    /// <summary>Refused to start, or silent: not available now.</summary>
    Unavailable,

    /// <summary>Another hypervisor type than the image asks for.</summary>
    HypervisorType,

    /// <summary>Does not offer the memory-encryption model, or lacks a trait the request needs.</summary>
    ModelNotOffered,

    /// <summary>Offers the model, but every ASID slot is claimed.</summary>
    Full,
}

/// <summary>A host that was not chosen, and why (<paramref name="Reason"/> for operators: it names the host's details).</summary>
public sealed record PlacementRejection(string HostName, string Reason, PlacementRejectionKind Kind = PlacementRejectionKind.Unavailable);

/// <summary>The chosen host first, then alternates, plus the reason for every host left out.</summary>
public sealed record PlacementDecision(IReadOnlyList<PlacementCandidate> Candidates, IReadOnlyList<PlacementRejection> Rejections)
{
    public bool NoValidHost => Candidates.Count == 0;

    /// <summary>The account a boot starts from: the best candidate chosen, every other host left out with its reason.</summary>
    public PlacementAccount Account() => new(NoValidHost ? null : Candidates[0].HostName, [], Rejections);

    /// <summary>"No valid host was found. h1: …. h2: …." or "Chose h; left out …" — what an admin reads.</summary>
    public string Explain() => Account().Explain();

    /// <summary>
    /// Why no host could take the server, in a tenant's terms: what kind of host was missing and what they can do,
    /// naming no host and no other guest (nova tells a non-admin only "No valid host was found").
    /// </summary>
    public string ExplainForTenant(string model)
    {
        var kinds = Rejections.Select(r => r.Kind).ToHashSet();
        var why = new List<string>();
        if (kinds.Contains(PlacementRejectionKind.Full))
        {
            why.Add($"every host that offers {model} is full right now; try again later");
        }

        if (kinds.Contains(PlacementRejectionKind.ModelNotOffered) && !kinds.Contains(PlacementRejectionKind.Full))
        {
            why.Add($"no available host offers {model}; choose a flavor with another memory-encryption model");
        }

        if (kinds.Contains(PlacementRejectionKind.HypervisorType))
        {
            why.Add("the image asks for a hypervisor type that no available host has");
        }

        if (why.Count == 0)
        {
            why.Add("no host is available right now; try again later");
        }

        return "No valid host was found: " + string.Join("; ", why) + ".";
    }
}
