using System.Security.Claims;
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
        api.MapGet("/reconciliation", async (bool? now, ClaimsPrincipal user, ClaimReconciler reconciler, CancellationToken ct) =>
            !VeilCaller.From(user).IsAdmin ? ApiProblems.Forbidden("Only admins see reconciliation.")
            : Results.Ok(now == true || reconciler.Last is null ? await reconciler.ReconcileAsync(ct) : reconciler.Last));
        api.MapGet("/hosts", async (ClaimsPrincipal user, HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
            VeilCaller.From(user).IsAdmin ? Results.Ok(await ViewsAsync(registry, ledger, options.Value, time, ct)) : ApiProblems.Forbidden("Only admins see hosts."));
        api.MapGet("/hosts/{name}", async (string name, ClaimsPrincipal user, HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            if (!VeilCaller.From(user).IsAdmin)
            {
                return ApiProblems.Forbidden("Only admins see hosts.");
            }

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
