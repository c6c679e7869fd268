using System.Text.Json.Serialization;
using Veil.Shared.Contracts;

namespace Veil.Shared.Api;

/// <summary>A host as admins see it: its report, heartbeat, staleness and ASID pool usage per provider.</summary>
public sealed record HostView(string Name, HostReport Report, DateTimeOffset LastHeartbeat, bool Stale, IReadOnlyList<PoolUsage> Pools);

/// <summary>One resource provider's ASID slots: how many exist, how many are claimed, and which.</summary>
public sealed record PoolUsage(string Provider, string Model, int Capacity, int Claimed, IReadOnlyList<int> ClaimedSlots)
{
    /// <summary>Slots still free.</summary>
    [JsonIgnore]
    public int Free => Math.Max(0, Capacity - Claimed);
}
