using System.Diagnostics;
using Veil.Testing;

namespace Veil.Shared.Tests.Launch;

/// <summary>
/// infra/processes.conf is how ./veil run, the chaos and load runs and the tests' Azurite start Veil's processes:
/// it must name real projects and fixtures, and bash and C# must read it alike.
/// </summary>
public sealed class ProcessDescriptionTests
{
    [Theory]
    [InlineData("orchestrations")]
    [InlineData("enroll-host")]
    [InlineData("hostworker")]
    [InlineData("portal")]
    public void EachDotnetProcess_RunsTheAssemblyOfTheProjectInItsFolder(string process)
    {
        var description = ProcessDescription.Of(process);

        Assert.EndsWith(".dll", description.Program, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, description.Folder, Path.ChangeExtension(description.Program, ".csproj"))), $"{description.Folder} holds no project building {description.Program}");
        Assert.Equal(Path.Combine(RepoPaths.Root, description.Folder), description.StartInfo("Debug", "Development", Values()).WorkingDirectory);
    }

    [Fact]
    public void EverySimulatedHost_HasItsFixture()
    {
        Assert.NotEmpty(ProcessDescription.SimulatedHosts);
        Assert.All(ProcessDescription.SimulatedHosts, host => Assert.True(Directory.Exists(RepoPaths.HostFixture(host)), $"no fixture for {host}"));
    }

    [Theory]
    [InlineData("azurite")]
    [InlineData("orchestrations")]
    [InlineData("enroll-host")]
    [InlineData("hostworker")]
    [InlineData("portal")]
    public async Task BashAndDotnet_ReadTheSameArguments(string process)
    {
        var values = Values();
        var pairs = string.Join(' ', values.Select(v => $"{v.Key}='{v.Value}'"));

        var (code, output) = await Bash($". infra/processes.sh && describe {process} {pairs} && printf '%s\\n' \"${{described[@]:2}}\"");

        Assert.Equal(0, code);
        Assert.Equal(ProcessDescription.Of(process).ArgumentsWith(values), output);
    }

    [Fact]
    public async Task AWordTheLauncherDidNotGive_IsAnErrorNamingIt_InBothReaders()
    {
        var error = Assert.Throws<ArgumentException>(() => ProcessDescription.Of("portal").ArgumentsWith(new Dictionary<string, string> { ["api_port"] = "5080" }));
        Assert.Contains("{portal_port}", error.Message, StringComparison.Ordinal);

        var (code, output) = await Bash(". infra/processes.sh && describe portal api_port=5080");
        Assert.NotEqual(0, code);
        Assert.Contains(output, line => line.Contains("portal needs {portal_port}", StringComparison.Ordinal));
    }

    [Fact]
    public void AProcessNotDescribed_IsAnErrorNamingIt()
    {
        Assert.Contains("'scheduler'", Assert.Throws<InvalidDataException>(() => ProcessDescription.Of("scheduler")).Message, StringComparison.Ordinal);
    }

    /// <summary>Every word the description uses, with a value a path could hold (a space).</summary>
    private static Dictionary<string, string> Values() => new()
    {
        ["state"] = "/tmp/veil state", ["host"] = "genoa-snp", ["api_port"] = "5080", ["portal_port"] = "5000",
        ["blob_port"] = "10000", ["queue_port"] = "10001", ["table_port"] = "10002",
    };

    private static async Task<(int Code, string[] Lines)> Bash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return (bash.ExitCode, [.. ((await output) + (await error)).Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
    }
}
