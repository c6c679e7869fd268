using Veil.Shared.Contracts;

namespace Veil.Shared.Placement;

/// <summary>A host as placement sees it: its last report, its heartbeat, and the slots claimed on each provider.</summary>
public sealed record PlacementHost(HostReport Report, DateTimeOffset LastHeartbeat, IReadOnlyDictionary<string, int> ClaimedByProvider);
