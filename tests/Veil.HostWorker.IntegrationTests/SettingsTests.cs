using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>A HostWorker with bad settings, started as its service unit starts it: it stops at once, naming each.</summary>
public sealed class SettingsTests
{
    [Fact]
    public async Task BadSettings_ExitsWithCode78_NamingEverySettingAndItsRange()
    {
        var result = await ProgramRun.RunAsync("Veil.HostWorker.dll", new Dictionary<string, string>
        {
            ["HostWorker:HostName"] = "Genoa_1",
            ["HostWorker:FixtureRoot"] = "/no/such/fixture",
            ["HostWorker:ProbeInterval"] = "02:00:00",
            ["HostWorker:Commands:MaxConcurrency"] = "0",
        }, TimeSpan.FromMinutes(2));

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("HostWorker: bad settings:", result.Error, StringComparison.Ordinal);
        Assert.Contains("HostWorker:HostName 'Genoa_1' must be", result.Error, StringComparison.Ordinal);
        Assert.Contains("HostWorker:FixtureRoot '/no/such/fixture' does not exist.", result.Error, StringComparison.Ordinal);
        Assert.Contains("HostWorker:ProbeInterval is 2 h; it must be between 10 s and 1 h.", result.Error, StringComparison.Ordinal);
        Assert.Contains("HostWorker:Commands:MaxConcurrency is 0; it must be between 1 and 64.", result.Error, StringComparison.Ordinal);
        Assert.Contains("HostWorker:CredentialFile is required", result.Error, StringComparison.Ordinal);
    }
}
