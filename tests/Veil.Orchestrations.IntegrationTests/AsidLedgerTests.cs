using Veil.Orchestrations.Claims;
using Veil.Shared.Hosts;
using Veil.Storage;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>The ASID ledger against the real Azurite, under contention.</summary>
public sealed class AsidLedgerTests
{
    private readonly AsidLedger ledger = new(new StorageAccount(Azurite.Shared.ConnectionString), TimeProvider.System);
    private readonly string provider = "h" + Guid.NewGuid().ToString("N")[..10] + "_amd_sev_snp";

    [Fact]
    public async Task TwoHundredConcurrentClaims_ThirtySlots_ExactlyThirtyDistinctWinners()
    {
        var range = new AsidRange(1, 30);
        var servers = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();

        var claims = await Task.WhenAll(servers.Select(s => ledger.ClaimAsync("h", provider, range, s)));

        var won = claims.Where(c => c is not null).Select(c => c!).ToList();
        Assert.Equal(30, won.Count);
        Assert.Equal(Enumerable.Range(1, 30), won.Select(c => c.Slot).Order());
        Assert.Equal(30, won.Select(c => c.ServerId).Distinct().Count());
    }

    [Fact]
    public async Task StaleRelease_AfterTheSlotWasFreedAndClaimedByAnotherServer_LeavesTheNewClaim()
    {
        var range = new AsidRange(7, 7);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var table = await new StorageAccount(Azurite.Shared.ConnectionString).TableAsync(AsidLedger.TableName);
        await ledger.ClaimAsync("h", provider, range, first);
        var readByASlowRelease = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(provider, "00007")).Value;

        await ledger.ReleaseAsync(provider, first);
        var taken = await ledger.ClaimAsync("h", provider, range, second);
        var staleReleased = await AsidLedger.ReleaseRowAsync(table, readByASlowRelease, CancellationToken.None);

        Assert.Equal(7, taken!.Slot);
        Assert.False(staleReleased);
        Assert.Equal(second, Assert.Single(await ledger.ListAsync(), c => c.ProviderName == provider).ServerId);
    }

    [Fact]
    public async Task Claim_Repeated_ReturnsTheSameSlot_ReleaseFreesIt()
    {
        var range = new AsidRange(100, 101);
        var server = Guid.NewGuid();

        var first = await ledger.ClaimAsync("h", provider, range, server);
        var again = await ledger.ClaimAsync("h", provider, range, server);
        var released = await ledger.ReleaseAsync(provider, server);
        var releasedAgain = await ledger.ReleaseAsync(provider, server);
        var other = await ledger.ClaimAsync("h", provider, range, Guid.NewGuid());

        Assert.Equal(100, first!.Slot);
        Assert.Equal(first, again);
        Assert.Equal(1, released);
        Assert.Equal(0, releasedAgain);
        Assert.Equal(100, other!.Slot);
    }
}
