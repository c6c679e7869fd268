using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.IntegrationTests;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Testing;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.ConcurrencyTests;

/// <summary>Two SEV-only hosts capped at 15 SEV guests each: 30 slots in all.</summary>
public sealed class ThirtySlotFleet : LocalVeil
{
    protected override IReadOnlyList<(string Name, string Fixture, int? SevGuestLimit)> HostSet() =>
        [("rome-a-" + Suffix, "rome-sev", 15), ("rome-b-" + Suffix, "rome-sev", 15)];
}

public sealed class ContendedBootTests(ThirtySlotFleet fleet) : IClassFixture<ThirtySlotFleet>
{
    [Fact]
    public async Task TwoHundredBoots_ThirtySlots_ExactlyThirtyActive_RestNoValidHost_DeletingTenFreesTen()
    {
        var guests = Enumerable.Range(0, 200).Select(i => GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = $"crowd-{i}" }).ToList();

        await Parallel.ForEachAsync(guests, new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (g, ct) => await fleet.Servers.CreateAsync("crowd", g, ct));
        var settled = new List<ServerRecord>();
        foreach (var g in guests)
        {
            settled.Add(await fleet.SettledAsync("crowd", g.ServerId, TimeSpan.FromMinutes(4)));
        }

        var active = settled.Where(s => s.Status == ServerStatus.Active).ToList();
        var errors = settled.Where(s => s.Status == ServerStatus.Error).ToList();
        Assert.Equal(30, active.Count);
        Assert.Equal(170, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("No valid host was found", e.Fault, StringComparison.Ordinal));
        Assert.Equal(30, active.Select(s => (s.ProviderName, s.AsidSlot)).Distinct().Count());
        var ledger = fleet.Services.GetRequiredService<AsidLedger>();
        var claims = await ledger.ListAsync();
        Assert.Equal(30, claims.Count);
        Assert.Equal(claims.Select(c => c.ServerId).Order(), active.Select(s => s.ServerId).Order());

        foreach (var server in active.Take(10))
        {
            Assert.True(await fleet.Servers.DeleteAsync("crowd", server.ServerId));
        }

        foreach (var server in active.Take(10))
        {
            Assert.Equal(ServerStatus.Deleted, (await fleet.SettledAsync("crowd", server.ServerId)).Status);
        }

        Assert.Equal(20, (await ledger.ListAsync()).Count);
    }
}
