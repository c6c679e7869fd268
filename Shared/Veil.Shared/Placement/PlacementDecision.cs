using Veil.Shared.Hosts;

namespace Veil.Shared.Placement;

/// <summary>A host that can take the guest: the provider its slot comes from and how much room is left.</summary>
public sealed record PlacementCandidate(string HostName, string? ProviderName, AsidRange? Asids, int Free, int Capacity);

/// <summary>A host that was not chosen, and why.</summary>
public sealed record PlacementRejection(string HostName, string Reason);

/// <summary>The chosen host first, then alternates, plus the reason for every host left out.</summary>
public sealed record PlacementDecision(IReadOnlyList<PlacementCandidate> Candidates, IReadOnlyList<PlacementRejection> Rejections)
{
    public bool NoValidHost => Candidates.Count == 0;

    /// <summary>"No valid host was found: h1: …; h2: …" — what a tenant or admin reads on a failed boot.</summary>
    public string Explain() => NoValidHost
        ? "No valid host was found. " + (Rejections.Count == 0 ? "No hosts are registered." : string.Join(" ", Rejections.Select(r => $"{r.HostName}: {r.Reason}.")))
        : $"Chose {Candidates[0].HostName}" + (Rejections.Count == 0 ? "." : "; left out " + string.Join(" ", Rejections.Select(r => $"{r.HostName}: {r.Reason}.")));
}
