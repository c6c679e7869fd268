using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>
/// The Portal in the test process, in the environment asked for; an API it cannot reach unless the test names one.
/// With no <paramref name="provider"/>, on its own account database, the demo accounts seeded with
/// <see cref="Password"/> in Development. With one, users sign in through that OpenID Connect provider, as the Portal's
/// registered client (redirect URIs on <see cref="ProviderClientBase"/>), and the Portal has neither accounts nor a signing key.
/// Disposing removes the database.
/// </summary>
public sealed partial class TestPortal : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("veil-portal-");
    private readonly WebApplicationFactory<Program> factory;

    public TestPortal(string password, string? environment = null, IReadOnlyDictionary<string, string?>? overrides = null, TestOidcAuthority? provider = null)
    {
        Password = password;
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Database"] = DatabasePath,
            ["Portal:ApiBaseUrl"] = "http://127.0.0.1:9",
        };
        if (provider is not null)
        {
            settings["Auth:Authority"] = provider.Issuer;
            settings["Portal:Oidc:ClientId"] = provider.ClientId;
            settings["Portal:Oidc:ClientSecret"] = provider.ClientSecret;
            provider.RedirectUris.Add(ProviderClientBase + "/signin-oidc");
            provider.RedirectUris.Add(ProviderClientBase + "/signout-callback-oidc");
        }
        else
        {
            settings["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        if (provider is null && environment is null or "Development")
        {
            foreach (var (account, _, _) in Veil.Portal.Accounts.AccountSeeder.DemoAccounts)
            {
                settings[$"Portal:DemoPasswords:{account}"] = password;
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            if (environment is not null)
            {
                b.UseEnvironment(environment);
            }

            b.UseContentRoot(Path.Combine(RepoPaths.Root, "Portal", "Veil.Portal"));
            if (provider is not null)
            {
                // The provider's certificate is its own (self-signed): the Portal's calls to it trust that one.
                b.ConfigureTestServices(s => s.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = provider.TrustingHandler()));
            }

            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
    }

    /// <summary>Where the Portal is, as the provider knows it (its registered redirect URIs are there).</summary>
    public const string ProviderClientBase = "https://portal.example";

    /// <summary>The demo accounts' password.</summary>
    public string Password { get; }

    /// <summary>The account database this Portal uses.</summary>
    public string DatabasePath => Path.Combine(data.FullName, "portal.db");

    /// <summary>The Portal's services (its account store, for changing an account under a signed-in user).</summary>
    public IServiceProvider Services => factory.Services;

    public HttpClient CreateClient(WebApplicationFactoryClientOptions? options = null) => factory.CreateClient(options ?? new WebApplicationFactoryClientOptions());

    /// <summary>Signs in through the Portal's own form, antiforgery token and all; the answer is the form's redirect.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, string returnUrl = "/")
    {
        ArgumentNullException.ThrowIfNull(client);
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form);
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["username"] = user,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));
    }

    public void Dispose()
    {
        factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        data.Delete(recursive: true);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
