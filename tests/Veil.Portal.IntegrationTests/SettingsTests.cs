using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>The Portal with bad settings, started as an operator starts it: it stops at once, naming each.</summary>
public sealed class SettingsTests
{
    public static TheoryData<string, Dictionary<string, string>, string[]> Cases => new()
    {
        {
            "Production, no provider",
            new() { ["Portal:ApiBaseUrl"] = "ftp://api.example", ["Portal:DemoPasswords:carol"] = "Carol-pass-2026!", ["Portal:SignInAttemptsPerMinute"] = "0" },
            [
                "Portal:ApiBaseUrl 'ftp://api.example/' must be an absolute http or https URL",
                "Auth:Authority is required outside Development: the Portal signs users in through your OpenID Connect provider",
                "Auth:SigningKey is required by the Portal",
                "Portal:DemoPasswords:carol names no demo account; they are alice, bob, admin.",
                "Portal:SignInAttemptsPerMinute is 0; it must be between 1 and 1000.",
                "Portal:DemoPasswords is set, but demo accounts exist only in a Development Portal",
            ]
        },
        {
            "Production, a provider over plain HTTP, and what a provider's Portal must not have",
            new() { ["Auth:Authority"] = "http://idp.example", ["Auth:SigningKey"] = Convert.ToBase64String(new byte[32]), ["Portal:DemoPasswords:alice"] = "Alice-pass-2026!", ["Portal:Oidc:Scopes:0"] = "two words" },
            [
                "Auth:Authority must be an https URL outside Development",
                "Auth:SigningKey is set, but this Portal signs users in through Auth:Authority",
                "Portal:DemoPasswords is set, but this Portal signs users in through Auth:Authority",
                "Portal:Oidc:ClientId is required",
                "Portal:Oidc:ClientSecret is required",
                "Portal:Oidc:Scopes has 'two words'; each scope is one word without spaces.",
            ]
        },
        {
            "Development, a provider that is not a URL",
            new() { ["environment"] = "Development", ["Auth:Authority"] = "not a url", ["Portal:Oidc:ClientId"] = "veil-portal", ["Portal:Oidc:ClientSecret"] = "s" },
            ["Auth:Authority 'not a url' is not an absolute URL"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadSettings_ExitsWithCode78_NamingEverySetting(string what, Dictionary<string, string> settings, string[] problems)
    {
        var state = Directory.CreateTempSubdirectory("veil-portal-settings-");
        try
        {
            settings["Urls"] = "http://127.0.0.1:0";
            settings["Portal:Database"] = Path.Combine(state.FullName, "portal.db");
            var result = await ProgramRun.RunAsync("Veil.Portal.dll", settings, TimeSpan.FromMinutes(2));

            Assert.True(result.ExitCode == 78, $"{what}: exit {result.ExitCode}; {result.Error}");
            Assert.Contains("Portal: bad settings:", result.Error, StringComparison.Ordinal);
            Assert.All(problems, p => Assert.Contains(p, result.Error, StringComparison.Ordinal));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
