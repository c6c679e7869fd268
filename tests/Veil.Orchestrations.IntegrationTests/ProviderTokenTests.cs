using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// The API behind an OpenID Connect provider (<c>Auth:Authority</c>), a real one on Kestrel: it believes the
/// provider's access tokens for the API, with their project and role, and nothing else — not another audience's, not
/// another provider's, not a locally minted one.
/// </summary>
public sealed class ProviderTokenTests : IAsyncLifetime
{
    private TestOidcAuthority provider = default!;
    private TestOidcAuthority stranger = default!;
    private WebApplicationFactory<Program> api = default!;

    // Given to the API beside the provider: it must not make a locally minted token good.
    private readonly Veil.Identity.VeilAuthOptions local = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    public async ValueTask InitializeAsync()
    {
        provider = await TestOidcAuthority.StartAsync();
        stranger = await TestOidcAuthority.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["DurableTask:TaskHubName"] = "oidc" + Guid.NewGuid().ToString("N")[..6],
            ["Auth:Authority"] = provider.Issuer,
            ["Auth:SigningKey"] = local.SigningKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseContentRoot(Path.Combine(RepoPaths.Root, "Orchestrations", "Veil.Orchestrations"));
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await api.DisposeAsync();
        await stranger.DisposeAsync();
        await provider.DisposeAsync();
    }

    [Fact]
    public async Task ProvidersTokens_ATenantIsInTheirProject_AnAdminReachesAdminRoutes()
    {
        using var tenant = Client(provider.IssueAccessToken(new("u-alice", "alice", "demo", "tenant")));
        using var admin = Client(provider.IssueAccessToken(new("u-root", "root", "ops", "admin")));

        var quota = await tenant.GetAsync("/api/quota");
        var tenantAtAdmin = await tenant.GetAsync("/api/admin/quotas");
        var adminAtAdmin = await admin.GetAsync("/api/admin/quotas");

        Assert.Equal(HttpStatusCode.OK, quota.StatusCode);
        Assert.Equal("demo", (await quota.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("projectId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, tenantAtAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminAtAdmin.StatusCode);
    }

    public static TheoryData<string> Refused => ["another audience", "another provider", "minted locally"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task TokensNotTheProvidersForTheApi_401(string what)
    {
        var alice = new TestOidcAuthority.Person("u-alice", "alice", "demo", "tenant");
        var token = what switch
        {
            "another audience" => provider.IssueAccessToken(alice, audience: "someone-else"),
            "another provider" => stranger.IssueAccessToken(alice),
            _ => Veil.Identity.VeilTokens.Issue(local, DateTimeOffset.UtcNow, "u-alice", "demo", "admin", TimeSpan.FromMinutes(5)),
        };
        using var client = Client(token);

        var answer = await client.GetAsync("/api/quota");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    private HttpClient Client(string token)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
