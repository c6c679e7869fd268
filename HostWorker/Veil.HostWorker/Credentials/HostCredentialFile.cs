using System.Text.Json;
using Veil.Shared.Contracts;

namespace Veil.HostWorker.Credentials;

/// <summary>
/// Reads the credential an admin's enrollment issued (<c>HostWorker:CredentialFile</c>): JSON, readable by its owner only,
/// issued to this host. Anything else stops the worker at start saying what is wrong (exit 78).
/// </summary>
public static class HostCredentialFile
{
    public static HostCredential Read(string path, string hostName)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw Refused(path, "does not exist; enroll the host (POST /api/hosts/<name>/credential, or Veil.Orchestrations enroll-host <name>) and save what it gives there");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw Refused(path, $"can be read by others than its owner ({File.GetUnixFileMode(path)}); chmod 600 it");
        }

        HostCredential? credential;
        try
        {
            credential = JsonSerializer.Deserialize<HostCredential>(File.ReadAllText(path), VeilJson.Options);
        }
        catch (JsonException e)
        {
            throw Refused(path, $"is not a host credential: {e.Message}");
        }

        if (credential?.Problem() is { } problem)
        {
            throw Refused(path, $"is not a usable host credential: {problem}");
        }

        if (credential!.HostName != hostName)
        {
            throw Refused(path, $"was issued to host '{credential.HostName}', not '{hostName}'");
        }

        return credential;
    }

    private static Startup.HostStartupRefusedException Refused(string path, string why) => new($"HostWorker:CredentialFile {path} {why}.");
}
