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
        await CreateAccountAsync("alice", "demo", "tenant", portal.Password);

        var form = await client.GetAsync("/account/login");
        var signedIn = await TestPortal.SignInAsync(client, "alice", portal.Password, "/servers");

        Assert.Contains("max-age=", form.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.All(form.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task CreateAccount_PasswordFromStandardInput_SignsIn_AndASecondOfTheSameNameIsRefused()
    {
        using var client = Client();

        var created = await CreateAccountAsync("carol", "ops", "admin", "Carol-pass-2026!");
        var again = await CreateAccountAsync("carol", "ops", "admin", "Carol-pass-2026!");
        var signedIn = await TestPortal.SignInAsync(client, "carol", "Carol-pass-2026!", "/admin/hosts");

        Assert.Equal((0, "created carol (admin, project ops)"), (created.ExitCode, created.Output.Trim()));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("an account named 'carol' exists already", again.Error, StringComparison.Ordinal);
        Assert.Equal("/admin/hosts", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task NoDemoAccountsOutsideDevelopment()
    {
        using var client = Client();

        var response = await TestPortal.SignInAsync(client, "alice", portal.Password);

        Assert.StartsWith("/account/login?error=invalid", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private async Task<Veil.Testing.ProgramRun.Result> CreateAccountAsync(string name, string project, string role, string password)
    {
        _ = portal.Services; // the Portal has made its database
        return await Veil.Testing.ProgramRun.RunAsync("Veil.Portal.dll", new Dictionary<string, string> { ["Portal:Database"] = portal.DatabasePath },
            TimeSpan.FromMinutes(2), ["create-account", name, project, role], password + "\n");
    }

    public void Dispose() => portal.Dispose();
}
