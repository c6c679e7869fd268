using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>
/// The Portal in the test process on its own account database, in the environment asked for; an API it cannot reach.
/// In Development the demo accounts are seeded with <see cref="Password"/>; elsewhere there are none (a test makes the
/// accounts it needs with <c>create-account</c>). Disposing removes the database.
/// </summary>
public sealed partial class TestPortal : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("veil-portal-");
    private readonly WebApplicationFactory<Program> factory;

    public TestPortal(string password, string? environment = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        Password = password;
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Database"] = DatabasePath,
            ["Portal:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        if (environment is null or "Development")
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
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
    }

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
