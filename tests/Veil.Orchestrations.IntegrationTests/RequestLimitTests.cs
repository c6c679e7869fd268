using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Veil.Orchestrations.Api;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>The API's limits on one caller, on a real Kestrel (the in-memory test server enforces no body size).</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private readonly Veil.Identity.VeilAuthOptions auth = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
    private WebApplicationFactory<Program> api = default!;

    public ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["DurableTask:TaskHubName"] = "limits" + Guid.NewGuid().ToString("N")[..6],
            ["Auth:SigningKey"] = auth.SigningKey,
            ["Api:PermitsPerSecond"] = "1",
            ["Api:Burst"] = "5",
            ["Api:MaxRequestBodyKiB"] = "16",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseContentRoot(Path.Combine(RepoPaths.Root, "Orchestrations", "Veil.Orchestrations"));
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        });
        api.UseKestrel(0);
        api.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await api.DisposeAsync();

    [Fact]
    public async Task OneCallerPastItsBurst_429WithRetryAfter_AnotherCallerStillServed()
    {
        using var greedy = Client("greedy");
        using var other = Client("other");

        // Thirty at once: the bucket holds five, and refills one a second however slow the machine is.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => greedy.GetAsync("/api/keypairs")));
        var elapsed = started.Elapsed;

        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        Assert.True(served >= 5 && served <= 5 + (int)Math.Ceiling(elapsed.TotalSeconds), $"{served} served in {elapsed}");
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("try again in", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/keypairs")).StatusCode);
    }

    [Fact]
    public async Task BodyOverTheLimit_413NamingTheBodyAndTheLimit_NothingCreated()
    {
        using var tenant = Client("big");
        var metadata = Enumerable.Range(0, 100).ToDictionary(i => $"k{i}", _ => new string('x', 250));

        var answer = await tenant.PostAsync("/api/keypairs", new StringContent(JsonSerializer.Serialize(new { name = "big", publicKey = new string('A', 20_000), metadata }), Encoding.UTF8, "application/json"));
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Contains("larger than 16 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/api/keypairs/big")).StatusCode);
    }

    private HttpClient Client(string subject)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Issue(auth, subject, "project-" + subject, "tenant"));
        return client;
    }
}
