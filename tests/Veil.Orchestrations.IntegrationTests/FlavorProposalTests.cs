using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Tenants' flavor proposals: bounded per project while they await a decision, and withdrawable by their proposer.</summary>
[Collection(nameof(LocalVeil))]
public sealed class FlavorProposalTests(LocalVeil stack)
{
    [Fact]
    public async Task TenProposalsPending_EleventhRefused403_WithdrawingOneMakesRoom()
    {
        var project = "project-proposals-" + Guid.NewGuid().ToString("N")[..6];
        using var tenant = stack.Api(project);
        var prefix = "prop-" + Guid.NewGuid().ToString("N")[..6];

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Propose(tenant, $"{prefix}-{i}")).StatusCode);
        }

        var eleventh = await Propose(tenant, $"{prefix}-10");
        var problem = await eleventh.Content.ReadFromJsonAsync<JsonElement>();
        var withdrawn = await tenant.DeleteAsync($"/api/flavors/{prefix}-0");
        var afterWithdrawing = await Propose(tenant, $"{prefix}-11");

        Assert.Equal(HttpStatusCode.Forbidden, eleventh.StatusCode);
        Assert.Equal("flavor_proposals", problem.GetProperty("quota").GetString());
        Assert.Contains("already has 10 flavor proposals awaiting a decision", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.DeleteAsync($"/api/flavors/{prefix}-0")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterWithdrawing.StatusCode);
    }

    [Fact]
    public async Task Withdraw_OnlyTheProposerOrAnAdmin_OnlyWhilePending()
    {
        using var alice = stack.Api("project-w-alice");
        using var bob = stack.Api("project-w-bob");
        using var admin = stack.Api("ops", "admin");
        var name = "wd-" + Guid.NewGuid().ToString("N")[..6];
        var other = "wd-" + Guid.NewGuid().ToString("N")[..6];
        await Propose(alice, name);
        await Propose(alice, other);

        var byBob = await bob.DeleteAsync($"/api/flavors/{name}");
        (await admin.PostAsJsonAsync($"/api/flavors/{name}/approve", new { })).EnsureSuccessStatusCode();
        var approved = await alice.DeleteAsync($"/api/flavors/{name}");
        var byAdmin = await admin.DeleteAsync($"/api/flavors/{other}");

        Assert.Equal(HttpStatusCode.Forbidden, byBob.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, approved.StatusCode);
        Assert.Contains("is approved; only a proposal awaiting a decision can be withdrawn", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        var catalog = stack.Services.GetRequiredService<Catalog.CatalogStore>();
        Assert.NotNull(await catalog.GetFlavorAsync(name));
        Assert.Null(await catalog.GetFlavorAsync(other));
    }

    private static Task<HttpResponseMessage> Propose(HttpClient client, string name) =>
        client.PostAsJsonAsync("/api/flavors", new { name, vCpus = 1, memoryMiB = 512, diskGiB = 1, extraSpecs = new Dictionary<string, string>() });
}
