using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Orchestrations with bad settings, started as an operator starts it: it stops at once, naming each.</summary>
public sealed class SettingsTests
{
    [Fact]
    public async Task BadSettings_ExitsWithCode78_NamingEverySettingAndItsRange()
    {
        var result = await ProgramRun.RunAsync("Veil.Orchestrations.dll", new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["Urls"] = "http://127.0.0.1:0",
            ["Boot:ReconcileInterval"] = "00:00:01",
            ["Boot:MaxAttempts"] = "0",
            ["Boot:HostAckTimeout"] = "00:02:00",
            ["Boot:HostResultTimeout"] = "00:01:00",
            ["Boot:HostEventsQueue"] = "Not_A_Queue",
            ["DurableTask:PartitionCount"] = "32",
            ["Auth:SigningKey"] = Convert.ToBase64String(new byte[16]),
        }, TimeSpan.FromMinutes(2));

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Orchestrations: bad settings:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Boot:ReconcileInterval is 1 s; it must be between 5 s and 1 h.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Boot:MaxAttempts is 0; it must be between 1 and 10.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Boot:HostAckTimeout is 2 min; it must not be longer than Boot:HostResultTimeout (1 min).", result.Error, StringComparison.Ordinal);
        Assert.Contains("Boot:HostEventsQueue 'Not_A_Queue' is not a valid queue name.", result.Error, StringComparison.Ordinal);
        Assert.Contains("DurableTask:PartitionCount is 32; it must be between 1 and 16.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Auth:SigningKey must be a base64 key of at least 32 bytes.", result.Error, StringComparison.Ordinal);
    }
}
