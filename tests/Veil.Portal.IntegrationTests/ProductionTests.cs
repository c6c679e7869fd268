using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>The Portal as it runs outside Development: HSTS, cookies only over HTTPS, an error page that exists.</summary>
public sealed class ProductionTests : IDisposable
{
    private const string Password = "Prod-pass-2026!";
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("veil-portal-prod-");
    private readonly WebApplicationFactory<Program> portal;

    public ProductionTests()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Database"] = Path.Combine(data.FullName, "portal.db"),
            ["Portal:SeedPassword"] = Password,
            ["Portal:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        portal = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseContentRoot(Path.Combine(RepoPaths.Root, "Portal", "Veil.Portal"));
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
    }

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
        var html = await form.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        var signedIn = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = "alice", ["password"] = Password, ["returnUrl"] = "/servers",
        }));

        Assert.Contains("max-age=", form.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.All(form.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose()
    {
        portal.Dispose();
        data.Delete(recursive: true);
    }
}
