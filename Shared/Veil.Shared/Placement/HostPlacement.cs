using System.Globalization;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Placement;

/// <summary>
/// Chooses hosts for a resolved request, as nova's scheduler with placement would: a host qualifies when it is
/// ready, its heartbeat is fresh, its provider tree has every required trait, and the model's provider has a free
/// <c>MEM_ENCRYPTION_CONTEXT</c>; an image's <c>img_hv_type</c> keeps only hosts of that hypervisor type (nova's
/// ImagePropertiesFilter). Qualifying hosts are weighed to spread load (largest free share first) and the
/// rest kept as alternates; every host left out gets its reason. The servers of one multi-create are placed in turn,
/// each consuming what it takes before the next is placed (<see cref="SelectForMember"/>), as nova's scheduler does.
/// </summary>
public static class HostPlacement
{
    /// <summary>The hosts that can take <paramref name="request"/>, best first (at most <paramref name="maxCandidates"/>),
    /// and why every other host was left out; <paramref name="hypervisorType"/> is the image's <c>img_hv_type</c>.</summary>
    public static PlacementDecision Select(MemoryEncryptionResolution request, IEnumerable<PlacementHost> hosts, DateTimeOffset now, TimeSpan heartbeatWindow, int maxCandidates = 3, string? hypervisorType = null) =>
        Select(request, hosts, now, heartbeatWindow, maxCandidates, hypervisorType, new Dictionary<string, int>(StringComparer.Ordinal));

    /// <summary>
    /// Placement for server <paramref name="member"/> (0-based) of a request for several identical servers: the
    /// servers before it are placed first, each taking a slot (or, unencrypted, a turn) on the host it would get,
    /// so the request spreads as far as the hosts are equally free. Every member computes the same sequence from
    /// the same <paramref name="hosts"/>, which must therefore leave out the claims of the request's own servers.
    /// </summary>
    public static PlacementDecision SelectForMember(MemoryEncryptionResolution request, IEnumerable<PlacementHost> hosts, DateTimeOffset now, TimeSpan heartbeatWindow, int member, int maxCandidates = 3, string? hypervisorType = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        var all = hosts.ToList();
        var placed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var earlier = 0; earlier < member; earlier++)
        {
            if (Select(request, all, now, heartbeatWindow, 1, hypervisorType, placed).Candidates is not [var chosen])
            {
                break;
            }

            placed[chosen.HostName] = placed.GetValueOrDefault(chosen.HostName) + 1;
        }

        return Select(request, all, now, heartbeatWindow, maxCandidates, hypervisorType, placed);
    }

    private static PlacementDecision Select(MemoryEncryptionResolution request, IEnumerable<PlacementHost> hosts, DateTimeOffset now, TimeSpan heartbeatWindow, int maxCandidates, string? hypervisorType, IReadOnlyDictionary<string, int> placed)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(hosts);
        var candidates = new List<PlacementCandidate>();
        var rejections = new List<PlacementRejection>();
        foreach (var host in hosts.OrderBy(h => h.Report.HostName, StringComparer.Ordinal))
        {
            var (candidate, reason, kind) = hypervisorType is { Length: > 0 } wanted && !string.Equals(host.Report.HypervisorType, wanted.Trim(), StringComparison.OrdinalIgnoreCase)
                ? (null, $"hypervisor type {host.Report.HypervisorType ?? "unknown"}, but the image asks for {RequestKeys.ImageHypervisorType}={wanted}", PlacementRejectionKind.HypervisorType)
                : Judge(request, host, now, heartbeatWindow, placed.GetValueOrDefault(host.Report.HostName));
            if (candidate is not null)
            {
                candidates.Add(candidate);
            }
            else
            {
                rejections.Add(new PlacementRejection(host.Report.HostName, reason!, kind));
            }
        }

        var ordered = candidates
            .OrderByDescending(c => c.Capacity == 0 ? 1.0 : (double)c.Free / c.Capacity)
            .ThenByDescending(c => c.Free)
            .ThenBy(c => placed.GetValueOrDefault(c.HostName))
            .ThenBy(c => c.HostName, StringComparer.Ordinal)
            .Take(maxCandidates)
            .ToList();
        return new PlacementDecision(ordered, rejections);
    }

    private static (PlacementCandidate? Candidate, string? Reason, PlacementRejectionKind Kind) Judge(MemoryEncryptionResolution request, PlacementHost host, DateTimeOffset now, TimeSpan window, int placedBefore)
    {
        var report = host.Report;
        if (report.Status == HostStatus.Refused)
        {
            return (null, "start-up refused: " + (report.Refusal ?? "no reason given"), PlacementRejectionKind.Unavailable);
        }

        var age = now - host.LastHeartbeat;
        if (age > window)
        {
            return (null, $"stale heartbeat: last seen {age.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s ago (window {window.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s)", PlacementRejectionKind.Unavailable);
        }

        if (request.Model is not { } model)
        {
            return (new PlacementCandidate(report.HostName, null, null, 1, 1), null, default);
        }

        var capabilities = report.Capabilities;
        var provider = capabilities.ProviderFor(model);
        if (provider is null)
        {
            var blocking = capabilities.Blocking(model).Select(c => $"{c.Id} ({c.Observed})").ToList();
            return (null, $"no {model.Info().Trait}: does not offer {model.Info().DisplayName}" + (blocking.Count == 0 ? "" : "; checklist failing: " + string.Join(", ", blocking)), PlacementRejectionKind.ModelNotOffered);
        }

        var traits = capabilities.Providers.Where(p => p.ParentName is null || p == provider).SelectMany(p => p.Traits).ToHashSet(StringComparer.Ordinal);
        var missing = request.RequiredTraits.Where(t => !traits.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            return (null, "missing trait " + string.Join(", ", missing), PlacementRejectionKind.ModelNotOffered);
        }

        var capacity = provider.Inventories.TryGetValue(ResourceClasses.MemEncryptionContext, out var inventory) ? inventory.Capacity : 0;
        var claimed = (host.ClaimedByProvider.TryGetValue(provider.Name, out var used) ? used : 0) + placedBefore;
        var free = capacity - claimed;
        return free <= 0
            ? (null, $"no free {ResourceClasses.MemEncryptionContext} on {provider.Name}: {claimed} of {capacity} in use", PlacementRejectionKind.Full)
            : (new PlacementCandidate(report.HostName, provider.Name, provider.Asids, free, capacity), null, default);
    }
}
