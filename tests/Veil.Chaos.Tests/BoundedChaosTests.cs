using Veil.Chaos.Runs;


namespace Veil.Chaos.Tests;

/// <summary>
/// `./veil chaos` in its bounded form: 60 boots and deletes by six tenants while an Orchestrations process, a
/// HostWorker, Azurite and the Portal are each killed with SIGKILL and restarted; then every promise is checked.
/// </summary>
public sealed class BoundedChaosTests(ITestOutputHelper output)
{
    public static string ReportPath => Path.Combine(AppContext.BaseDirectory, "chaos-report.txt");

    [Fact]
    public async Task KillEachKindOfProcessUnderLoad_EveryInvariantHolds()
    {
        var report = await ChaosRun.RunAsync(ChaosOptions.Bounded, TextWriter.Null);
        output.WriteLine(report.Print());
        await File.WriteAllTextAsync(ReportPath, report.Print()); // ./veil test prints it after the summary

        Assert.True(report.Holds, report.Print());
        Assert.Equal(ChaosOptions.Bounded.Boots, report.Boots.Count);
        foreach (var kind in new[] { "orchestrations", "hostworker", "azurite", "portal" })
        {
            Assert.Contains(report.Faults, f => f.Contains($"SIGKILL {kind}", StringComparison.Ordinal));
        }

        Assert.All(report.Invariants, i => Assert.True(i.Holds, $"{i.Promise}: {i.Finding}"));
    }
}
