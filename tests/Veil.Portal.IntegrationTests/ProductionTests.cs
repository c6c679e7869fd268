using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>
/// The Portal as it runs outside Development: users sign in through the OpenID Connect provider (a real one on
/// Kestrel, over HTTPS) and the API is called with their own access token; HSTS, cookies only over HTTPS, an error
/// page that exists.
/// </summary>
public sealed partial class ProductionTests : IAsyncLifetime
{
    private TestOidcAuthority provider = default!;
    private RecordingApi api = default!;
    private TestPortal portal = default!;

    public async ValueTask InitializeAsync()
    {
        provider = await TestOidcAuthority.StartAsync(https: true);
        api = await RecordingApi.StartAsync();
        portal = new TestPortal("unused", "Production", new Dictionary<string, string?> { ["Portal:ApiBaseUrl"] = api.BaseUrl }, provider);
    }

    public async ValueTask DisposeAsync()
    {
        portal.Dispose();
        await api.DisposeAsync();
        await provider.DisposeAsync();
    }

    private const string AccountsDenied = "/account/denied";

    // Not a loopback name: HSTS is never sent to localhost.
    private HttpClient Client() => portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(TestPortal.ProviderClientBase) });

    [Fact]
    public async Task Anonymous_SentThroughTheProvider_BackSignedIn_AndTheApiIsCalledWithTheirOwnToken()
    {
        using var client = Client();

        var anonymous = await client.GetAsync("/servers");
        var back = await CompleteAtProviderAsync(client, anonymous);
        var page = await client.GetAsync("/servers");
        var html = await page.Content.ReadAsStringAsync();

        Assert.StartsWith(provider.Issuer + "/authorize?", anonymous.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", anonymous.Headers.Location.Query, StringComparison.Ordinal);
        Assert.Equal("/servers", back.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("alice · project demo · tenant", html, StringComparison.Ordinal);
        Assert.Equal(["Bearer " + provider.AccessTokens.Single()], api.Authorizations("/api/servers"));
    }

    [Fact]
    public async Task AdminAtTheProvider_IsAdminInThePortal_ATenantIsNot()
    {
        provider.User = new TestOidcAuthority.Person("u-root", "root", "ops", "admin");
        using var admin = Client();
        await SignInAsync(admin);
        provider.User = new TestOidcAuthority.Person("u-bob", "bob", "other", "tenant");
        using var tenant = Client();
        await SignInAsync(tenant);

        var adminPage = await admin.GetStringAsync("/admin/accounts");
        var tenantAnswer = await tenant.GetAsync("/admin/accounts");
        var denied = await tenant.GetAsync(tenantAnswer.Headers.Location);

        Assert.Contains("root · project ops · admin", adminPage, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"accounts-at-provider\"", adminPage, StringComparison.Ordinal);
        Assert.Equal(AccountsDenied, tenantAnswer.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("<b>bob</b> (project other, role tenant)", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no project", "access token has no 'project' claim" },
        { "another audience", "access token is for 'someone-else', not for the Veil API ('veil-api', Auth:Audience)" },
        { "refused at the provider", "The identity provider refused the sign-in: access_denied (The user did not allow the sign-in.)." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task SignInTheApiCouldNotHonour_Refused_SayingWhy_AndNobodyIsSignedIn(string what, string why)
    {
        switch (what)
        {
            case "no project":
                provider.User = provider.User with { Project = null };
                break;
            case "another audience":
                provider.ApiAudience = "someone-else";
                break;
            default:
                provider.RefuseWith = "access_denied";
                break;
        }

        using var client = Client();

        var back = await CompleteAtProviderAsync(client, await client.GetAsync("/account/login?returnUrl=%2Fservers"));
        var html = await back.Content.ReadAsStringAsync();
        var after = await client.GetAsync("/servers");

        Assert.Equal(HttpStatusCode.Unauthorized, back.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(why), html, StringComparison.Ordinal);
        Assert.StartsWith(provider.Issuer + "/authorize?", after.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Empty(api.Authorizations("/api/servers"));
    }

    [Fact]
    public async Task TokenEnded_TheUserIsSentBackToTheProvider_AndComesBackWithANewToken()
    {
        provider.TokenLifetime = TimeSpan.FromSeconds(3);
        using var client = Client();
        await SignInAsync(client);
        var signOutForm = AntiforgeryField().Match(await client.GetStringAsync("/servers"));

        // However slow the machine, the cookie cannot outlive the token inside it.
        var ended = await Eventually.Until(() => client.GetAsync("/servers"), r => r.StatusCode == HttpStatusCode.Redirect, r => $"still {r.StatusCode}");
        var lateSignOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [signOutForm.Groups["name"].Value] = WebUtility.HtmlDecode(signOutForm.Groups["value"].Value),
        }));
        provider.TokenLifetime = TimeSpan.FromMinutes(10);
        await CompleteAtProviderAsync(client, ended);
        await client.GetAsync("/servers");

        Assert.StartsWith(provider.Issuer + "/authorize?", ended.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("/account/signed-out?provider=kept", lateSignOut.Headers.Location!.OriginalString); // a sign-out from a page left open: no 400
        Assert.Equal(2, provider.AccessTokens.Count);
        Assert.Equal("Bearer " + provider.AccessTokens[1], api.Authorizations("/api/servers")[^1]);
    }

    [Fact]
    public async Task SignOut_EndsThePortalSessionAndTheProviders()
    {
        using var client = Client();
        await SignInAsync(client);
        var page = await client.GetStringAsync("/servers");
        var token = AntiforgeryField().Match(page);
        using var browser = provider.Browser();

        var signedOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        }));
        var atProvider = await browser.GetAsync(signedOut.Headers.Location);
        var callback = await client.GetAsync(atProvider.Headers.Location);
        var landing = await client.GetStringAsync(callback.Headers.Location);
        var after = await client.GetAsync("/servers");

        Assert.StartsWith(provider.Issuer + "/logout?", signedOut.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("id_token_hint=", signedOut.Headers.Location.Query, StringComparison.Ordinal);
        Assert.Equal(1, provider.EndedSessions);
        Assert.Contains("data-testid=\"signed-out\"", landing, StringComparison.Ordinal);
        Assert.StartsWith(provider.Issuer + "/authorize?", after.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_ProviderOffersNoSignOut_SignedOutOfThePortal_AndToldTheProvidersSessionGoesOn()
    {
        provider.OffersEndSession = false;
        using var client = Client();
        await SignInAsync(client);
        var token = AntiforgeryField().Match(await client.GetStringAsync("/servers"));

        var signedOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        }));
        var landing = await client.GetStringAsync(signedOut.Headers.Location);
        var after = await client.GetAsync("/servers");

        Assert.Equal("/account/signed-out?provider=kept", signedOut.Headers.Location!.OriginalString);
        Assert.Contains("Your session at your identity provider goes on", landing, StringComparison.Ordinal);
        Assert.StartsWith(provider.Issuer + "/authorize?", after.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttps_HstsSent_AndEveryCookieIsSecure()
    {
        using var client = Client();

        var login = await client.GetAsync("/account/login");
        var back = await CompleteAtProviderAsync(client, login);

        Assert.Contains("max-age=", login.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.All(login.Headers.GetValues("Set-Cookie").Concat(back.Headers.GetValues("Set-Cookie")),
            c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(back.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
    }

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
    public async Task CreateAccount_Refused_AccountsAreTheProviders()
    {
        var result = await ProgramRun.RunAsync("Veil.Portal.dll", new Dictionary<string, string> { ["Auth:Authority"] = provider.Issuer, ["Portal:Database"] = portal.DatabasePath },
            TimeSpan.FromMinutes(2), ["create-account", "carol", "ops", "admin"], "Carol-pass-2026!\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sign in through the OpenID Connect provider (Auth:Authority), where their accounts are made", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(portal.DatabasePath));
    }

    private async Task SignInAsync(HttpClient client)
    {
        var back = await CompleteAtProviderAsync(client, await client.GetAsync("/account/login?returnUrl=%2Fservers"));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
    }

    /// <summary>What the browser does after the Portal sent it to the provider: the provider signs the user in and
    /// posts the answer back to the Portal (form_post); the answer is the Portal's.</summary>
    private async Task<HttpResponseMessage> CompleteAtProviderAsync(HttpClient portalClient, HttpResponseMessage toProvider)
    {
        Assert.Equal(HttpStatusCode.Redirect, toProvider.StatusCode);
        using var browser = provider.Browser();
        var form = await browser.GetStringAsync(toProvider.Headers.Location);
        var action = new Uri(WebUtility.HtmlDecode(FormAction().Match(form).Groups["action"].Value));
        var fields = HiddenField().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        return await portalClient.PostAsync(action.PathAndQuery, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
