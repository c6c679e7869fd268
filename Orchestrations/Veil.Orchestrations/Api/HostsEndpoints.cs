using Microsoft.Extensions.Options;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Hosts;

namespace Veil.Orchestrations.Api;

/// <summary>A host for the API: its report, heartbeat, staleness and ASID pool usage per provider.</summary>
public sealed record HostView(string Name, Veil.Shared.Contracts.HostReport Report, DateTimeOffset LastHeartbeat, bool Stale, IReadOnlyList<PoolUsage> Pools);

/// <summary>One provider's slots: how many exist, how many are claimed, and which.</summary>
public sealed record PoolUsage(string Provider, string Model, int Capacity, int Claimed, IReadOnlyList<int> ClaimedSlots);

internal static class HostsEndpoints
{
    public static void MapHosts(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAdmin();
        admin.MapGet("/reconciliation", async (bool? now, ClaimReconciler reconciler, CancellationToken ct) =>
            Results.Ok(now == true || reconciler.Last is null ? await reconciler.ReconcileAsync(ct) : reconciler.Last));
        admin.MapGet("/hosts", async (HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
            Results.Ok(await ViewsAsync(registry, ledger, options.Value, time, ct)));
        admin.MapGet("/hosts/{name}", async (string name, HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            var host = (await ViewsAsync(registry, ledger, options.Value, time, ct)).FirstOrDefault(h => h.Name == name);
            return host is null ? ApiProblems.NotFound($"Host '{name}'") : Results.Ok(host);
        });
    }

    private static async Task<List<HostView>> ViewsAsync(HostRegistry registry, AsidLedger ledger, BootOptions options, TimeProvider time, CancellationToken ct)
    {
        var claims = (await ledger.ListAsync(ct)).ToLookup(c => c.ProviderName);
        var now = time.GetUtcNow();
        return (await registry.ListAsync(ct)).Select(h => new HostView(
            h.Report.HostName,
            h.Report,
            h.LastHeartbeat,
            now - h.LastHeartbeat > options.HeartbeatWindow,
            h.Report.Capabilities.Providers.Where(p => p.Model is not null).Select(p => new PoolUsage(
                p.Name,
                Veil.Shared.MemoryEncryption.MemoryEncryptionModels.ToName(p.Model!.Value),
                p.Inventories.TryGetValue(Veil.Shared.MemoryEncryption.ResourceClasses.MemEncryptionContext, out var inventory) ? inventory.Capacity : 0,
                claims[p.Name].Count(),
                claims[p.Name].Select(c => c.Slot).Order().ToList())).ToList())).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
    }
}
