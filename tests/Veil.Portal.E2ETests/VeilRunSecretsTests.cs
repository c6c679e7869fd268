using System.Runtime.Versioning;

namespace Veil.Portal.E2ETests;

/// <summary>
/// What `./veil run` does with its secrets, on a multi-user machine: no other local user can read them — not in a
/// process's command line (world-readable in /proc), not in the state folder's files; and a HostWorker holds its own
/// credential, never the storage account's key.
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
    public void NoHostWorker_HoldsTheStorageAccountKey_OnlyItsOwnCredential()
    {
        var accountKey = File.ReadAllText(Path.Combine(veil.State, "azurite-key")).Trim();
        var workers = Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => (Command: Read(Path.Combine(d, "cmdline")), Environment: Read(Path.Combine(d, "environ"))))
            .Where(p => p.Command.Contains("Veil.HostWorker.dll", StringComparison.Ordinal) && p.Command.Contains(veil.State, StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(workers);
        Assert.All(workers, w =>
        {
            Assert.DoesNotContain(accountKey, w.Environment, StringComparison.Ordinal);
            Assert.DoesNotContain("Storage__ConnectionString", w.Environment, StringComparison.Ordinal);
            Assert.Contains("--HostWorker:CredentialFile=", w.Command, StringComparison.Ordinal);
        });

        static string Read(string path)
        {
            try
            {
                return File.ReadAllText(path).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "";
            }
        }
    }

    [Fact]
    public void TheRunsSecretsAccountsAndData_AreItsUsersOnly()
    {
        var credentials = Directory.GetFiles(Path.Combine(veil.State, "hosts"), "credential.json", SearchOption.AllDirectories);
        Assert.NotEmpty(credentials);
        foreach (var file in SecretFiles.Append("portal.db").Concat(credentials))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(veil.State, file)));
        }

        foreach (var folder in new[] { "logs", "azurite" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(veil.State, folder)));
        }
    }
}
