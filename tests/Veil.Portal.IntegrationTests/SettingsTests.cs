using Veil.Testing;

namespace Veil.Portal.IntegrationTests;

/// <summary>The Portal with bad settings, started as an operator starts it: it stops at once, naming each.</summary>
public sealed class SettingsTests
{
    [Fact]
    public async Task BadSettings_ExitsWithCode78_NamingEverySetting()
    {
        var state = Directory.CreateTempSubdirectory("veil-portal-settings-");
        try
        {
            var result = await ProgramRun.RunAsync("Veil.Portal.dll", new Dictionary<string, string>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Portal:Database"] = Path.Combine(state.FullName, "portal.db"),
                ["Portal:ApiBaseUrl"] = "ftp://api.example",
                ["Auth:Authority"] = "not a url",
                ["Portal:DemoPasswords:carol"] = "Carol-pass-2026!",
                ["Portal:SignInAttemptsPerMinute"] = "0",
            }, TimeSpan.FromMinutes(2));

            Assert.Equal(78, result.ExitCode);
            Assert.Contains("Portal: bad settings:", result.Error, StringComparison.Ordinal);
            Assert.Contains("Portal:ApiBaseUrl 'ftp://api.example/' must be an absolute http or https URL", result.Error, StringComparison.Ordinal);
            Assert.Contains("Auth:Authority 'not a url' is not an absolute URL", result.Error, StringComparison.Ordinal);
            Assert.Contains("Auth:SigningKey is required by the Portal", result.Error, StringComparison.Ordinal);
            Assert.Contains("Portal:DemoPasswords:carol names no demo account; they are alice, bob, admin.", result.Error, StringComparison.Ordinal);
            Assert.Contains("Portal:SignInAttemptsPerMinute is 0; it must be between 1 and 1000.", result.Error, StringComparison.Ordinal);
            Assert.Contains("Portal:DemoPasswords is set, but demo accounts exist only in a Development Portal", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
