using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Veil.Portal.IntegrationTests;

/// <summary>Sign-in against the real account store (SQLite), through the Portal's own endpoints and pages.</summary>
public sealed partial class SignInTests : IDisposable
{
    private const string Password = "Demo-pass-2026!";
    private readonly TestPortal portal = new(Password);

    [Fact]
    public async Task ServersPage_Anonymous_RedirectsToSignInWithReturnUrl()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/servers");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("returnurl=%2fservers", response.Headers.Location.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WrongPassword_BackToSignInSayingSo()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await SignInAsync(client, "alice", "not-the-password");
        var page = await client.GetStringAsync(response.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("error=invalid", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("The user name or password is not right.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeededTenant_SignsIn_ServersPageRenders_ApiDownIsSaidPlainly()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var signedIn = await SignInAsync(client, "alice", Password, "/servers");
        var page = await client.GetAsync("/servers");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("/servers", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Servers", html, StringComparison.Ordinal);
        Assert.Contains("The Veil API could not be reached", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/\\evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/servers\r\nSet-Cookie: x=1")]
    public async Task SignIn_ReturnUrlOffSite_GoesHomeInstead(string returnUrl)
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var signedIn = await SignInAsync(client, "alice", Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Refused()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = Password }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignInPage_SaysWhatVeilRuns_InputsHaveVisibleBoxes()
    {
        using var client = portal.CreateClient();

        var page = await client.GetStringAsync("/account/login");

        Assert.Contains("AMD SEV, SEV-ES and SEV-SNP", page, StringComparison.Ordinal);
        Assert.Contains("input{padding:8px;border:1px solid", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenant_OpensAnAdminPage_TheirRoleAndWhySaid_Not404()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client, "alice", Password);

        var response = await client.GetAsync("/admin/flavors");
        var denied = await client.GetAsync(response.Headers.Location);
        var html = await denied.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("this page is for administrators", html, StringComparison.Ordinal);
        Assert.Contains("<b>alice</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedIn_EveryPageShowsUserProjectAndSignOut_SigningOutEndsTheSession()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client, "alice", Password);

        var html = await client.GetStringAsync("/servers");
        var token = BlazorAntiforgeryField().Match(html);
        var signedOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        }));
        var after = await client.GetAsync("/servers");

        Assert.Matches("alice · project [a-z0-9-]+ · tenant", html);
        Assert.Contains("data-testid=\"sign-out\"", html, StringComparison.Ordinal);
        Assert.True(token.Success, "the sign-out form carries no antiforgery token");
        Assert.Equal("/account/login", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    public void Dispose() => portal.Dispose();

    [Fact]
    public async Task AdminDemotedWhileSignedIn_LosesAdminPagesOnTheNextRequest()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(client, "admin", Password);
        var asAdmin = await client.GetAsync("/admin/flavors");

        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Veil.Portal.Accounts.VeilUser>>();
            var admin = (await users.FindByNameAsync("admin"))!;
            admin.Role = "tenant";
            Assert.True((await users.UpdateAsync(admin)).Succeeded);
        }

        var demoted = await client.GetAsync("/admin/flavors");

        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, demoted.StatusCode);
        Assert.Contains("/account/denied", demoted.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveWrongPasswords_AccountLockedForThatAddressEvenWithTheRightOne_UntilAnAdminUnlocksIt()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(client, "alice", "not-the-password");
        }

        var locked = await SignInAsync(client, "alice", Password);
        var page = await client.GetStringAsync(locked.Headers.Location);
        var otherAccount = await SignInAsync(client, "bob", Password);
        using var admin = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(admin, "admin", Password);
        var accounts = await admin.GetStringAsync("/admin/accounts");
        var lifted = portal.Services.GetRequiredService<Veil.Portal.Accounts.SignInThrottle>().Unlock("alice");
        var unlocked = await SignInAsync(client, "alice", Password);

        Assert.StartsWith("/account/login?error=locked", locked.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("this account is locked for you for a few minutes, or until an administrator unlocks it", page, StringComparison.Ordinal);
        Assert.Equal("/", otherAccount.Headers.Location!.OriginalString);
        Assert.Matches("data-testid=\"locked-alice\"[^>]*>\\s*unknown until \\d\\d:\\d\\d:\\d\\d \\(5 failures\\)", accounts);
        Assert.Matches("data-testid=\"locked-bob\"[^>]*>\\s*<span>", accounts);
        Assert.Equal(1, lifted);
        Assert.Equal("/", unlocked.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TooManyAttemptsFromOneAddressInAMinute_429WithRetryAfter_WhateverTheAccount()
    {
        using var limited = new TestPortal(Password, overrides: new Dictionary<string, string?> { ["Portal:SignInAttemptsPerMinute"] = "3" });
        using var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        string[] accounts = ["alice", "bob", "admin"];
        foreach (var account in accounts)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, account, "wrong")).StatusCode);
        }

        var refused = await SignInAsync(client, "alice", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("Your address has tried to sign in too often in the last minute", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAccount_PasswordFromStandardInput_SignsIn_AndASecondOfTheSameNameIsRefused()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var created = await CreateAccountAsync("carol", "ops", "admin", "Carol-pass-2026!");
        var again = await CreateAccountAsync("carol", "ops", "admin", "Carol-pass-2026!");
        var signedIn = await SignInAsync(client, "carol", "Carol-pass-2026!", "/admin/hosts");

        Assert.Equal((0, "created carol (admin, project ops)"), (created.ExitCode, created.Output.Trim()));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("an account named 'carol' exists already", again.Error, StringComparison.Ordinal);
        Assert.Equal("/admin/hosts", signedIn.Headers.Location!.OriginalString);
    }

    private async Task<Veil.Testing.ProgramRun.Result> CreateAccountAsync(string name, string project, string role, string password)
    {
        _ = portal.Services; // the Portal has made its database
        return await Veil.Testing.ProgramRun.RunAsync("Veil.Portal.dll", new Dictionary<string, string> { ["environment"] = "Development", ["Portal:Database"] = portal.DatabasePath },
            TimeSpan.FromMinutes(2), ["create-account", name, project, role], password + "\n");
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, string returnUrl = "/") =>
        TestPortal.SignInAsync(client, user, password, returnUrl);

    [GeneratedRegex("name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex BlazorAntiforgeryField();
}
