using System.Runtime.Versioning;

namespace Veil.Portal.E2ETests;

/// <summary>
/// What `./veil run` does with its secrets, on a multi-user machine: no other local user can read them — not in a
/// process's command line (world-readable in /proc), not in the state folder's files.
/// </summary>
[Collection(VeilRunGroup.Name)]
[SupportedOSPlatform("linux")]
public sealed class VeilRunSecretsTests(VeilRun veil)
{
    /// <summary>The secrets a run makes and keeps in its state folder.</summary>
    private static readonly string[] SecretFiles = ["azurite-key", "signing-key", "portal-password-alice", "portal-password-bob", "portal-password-admin", "dashboard-token", "dashboard-otlp-key", "dashboard-api-key"];

    [Fact]
    public void NoProcessOnTheMachine_CarriesASecretOfTheRunOnItsCommandLine()
    {
        var secrets = SecretFiles.Select(f => File.ReadAllText(Path.Combine(veil.State, f)).Trim()).ToArray();
        var lines = Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(line => line.Length > 0)
            .ToList();

        Assert.Contains(lines, line => line.Contains("Veil.Orchestrations.dll", StringComparison.Ordinal)); // the run's processes are there to look at
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheRunsSecretsAccountsAndData_AreItsUsersOnly()
    {
        foreach (var file in SecretFiles.Append("portal.db"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(veil.State, file)));
        }

        foreach (var folder in new[] { "logs", "azurite" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(veil.State, folder)));
        }
    }
}
