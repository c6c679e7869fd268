using System.Diagnostics;
using Microsoft.Playwright;
using Veil.Testing;

namespace Veil.Portal.E2ETests;

/// <summary>
/// Signing in through an OpenID Connect provider in a real browser: a Portal started as <c>./veil run</c> starts it
/// (infra/processes.conf), but with <c>Auth:Authority</c> naming a provider on Kestrel and its API a stand-in that
/// records the token of every call. In the same collection as the other journeys, so that it shares their browser
/// and never runs beside them.
/// </summary>
[Collection(VeilRunGroup.Name)]
public sealed class ProviderSignInJourney(VeilRun run) : IAsyncLifetime
{
    private readonly string state = Directory.CreateTempSubdirectory("veil-oidc-e2e-").FullName;
    private TestOidcAuthority provider = default!;
    private RecordingApi api = default!;
    private Process? portal;
    private string portalUrl = "";

    public async ValueTask InitializeAsync()
    {
        provider = await TestOidcAuthority.StartAsync();
        api = await RecordingApi.StartAsync();
        var port = Ports.Free();
        portalUrl = $"http://127.0.0.1:{port}";
        provider.RedirectUris.Add(portalUrl + "/signin-oidc");
        provider.RedirectUris.Add(portalUrl + "/signout-callback-oidc");
        var start = ProcessDescription.Of("portal").StartInfo(ProcessDescription.BuildConfiguration, "Development", new Dictionary<string, string>
        {
            ["portal_port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["api_port"] = new Uri(api.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["state"] = state,
        });
        start.Environment["Auth__Authority"] = provider.Issuer;
        start.Environment["Portal__Oidc__ClientId"] = provider.ClientId;
        start.Environment["Portal__Oidc__ClientSecret"] = provider.ClientSecret;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        portal = Process.Start(start)!;
        portal.BeginOutputReadLine();
        portal.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(portalUrl) };
        await Eventually.True(async () =>
        {
            Assert.False(portal.HasExited, $"the Portal exited with {(portal.HasExited ? portal.ExitCode : 0)}");
            try
            {
                return (await http.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the Portal did not answer /health");
    }

    public async ValueTask DisposeAsync()
    {
        if (portal is { HasExited: false })
        {
            portal.Kill(entireProcessTree: true);
            await portal.WaitForExitAsync();
        }

        portal?.Dispose();
        await api.DisposeAsync();
        await provider.DisposeAsync();
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task SignInAtTheProvider_ThePagesLiveCircuitCallsTheApiWithTheUsersToken_SignOutEndsBothSessions()
    {
        await using var context = await run.Browser.NewContextAsync(new() { BaseURL = portalUrl });
        var page = await context.NewPageAsync();

        // To the provider and back (its answer posted by the browser), then the page's circuit.
        await VeilRun.OpenAsync(page, "/servers");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("alice · project demo · tenant");

        // The page loaded its servers when prerendered and again from its live circuit: both calls carried alice's token.
        var calls = await Eventually.Until(() => Task.FromResult(api.Authorizations("/api/servers")), c => c.Count >= 2, c => $"{c.Count} call(s)");
        Assert.All(calls, c => Assert.Equal("Bearer " + provider.AccessTokens.Single(), c));

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/account/signed-out", StringComparison.Ordinal));
        Assert.Equal(1, provider.EndedSessions);
    }
}
