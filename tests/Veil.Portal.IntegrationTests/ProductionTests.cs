using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>The Portal as it runs outside Development: HSTS, cookies only over HTTPS, an error page that exists.</summary>
public sealed class ProductionTests : IDisposable
{
    private readonly TestPortal portal = new("Prod-pass-2026!", "Production");

    private HttpClient Client() => portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example") });

    [Fact]
    public async Task ErrorPage_Exists_SaysWhatHappenedAndTheRequestId()
    {
        using var client = Client();

        var response = await client.GetAsync("/error");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"request-id\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttps_HstsSent_AndTheSignInAndAntiforgeryCookiesAreSecure()
    {
        using var client = Client();

        var form = await client.GetAsync("/account/login");
        var signedIn = await TestPortal.SignInAsync(client, "alice", portal.Password, "/servers");

        Assert.Contains("max-age=", form.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.All(form.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => portal.Dispose();
}
