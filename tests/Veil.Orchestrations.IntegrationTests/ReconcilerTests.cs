using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Hosts;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>The claim reconciler against the ledger, the servers and what the simulated hosts report.</summary>
[Collection(nameof(LocalVeil))]
public sealed class ReconcilerTests(LocalVeil stack)
{
    [Fact]
    public async Task LeakedClaim_ReleasedAndReported_ActiveServersClaimKept()
    {
        var ledger = stack.Services.GetRequiredService<AsidLedger>();
        var reconciler = stack.Services.GetRequiredService<ClaimReconciler>();
        var active = GuestSpecBuilder.Encrypted("amd-sev-snp") with { ServerId = Guid.NewGuid() };
        await stack.Servers.CreateAsync("project-r", active);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync("project-r", active.ServerId)).Status);
        var orphan = Guid.NewGuid();
        var leaked = await ledger.ClaimAsync(stack.Genoa, $"{stack.Genoa}_amd_sev_snp", new AsidRange(1, 99), orphan);

        var report = await reconciler.ReconcileAsync();

        Assert.True(report.Released.Any(r => r.Contains($"slot {leaked!.Slot} on {stack.Genoa}_amd_sev_snp: server {orphan} has no record", StringComparison.Ordinal)), string.Join("\n", report.Released) + $"\nleaked {leaked} orphan {orphan}");
        var claims = await ledger.ListAsync();
        Assert.DoesNotContain(claims, c => c.ServerId == orphan);
        Assert.Contains(claims, c => c.ServerId == active.ServerId);
    }
}
