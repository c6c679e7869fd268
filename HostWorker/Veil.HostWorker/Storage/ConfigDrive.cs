using System.ComponentModel;
using System.Diagnostics;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;

namespace Veil.HostWorker.Storage;

/// <summary>
/// Builds a guest's config drive: an ISO 9660 image labelled <c>config-2</c> (with Rock Ridge and Joliet names), made
/// as nova makes it, by the host's <c>genisoimage</c>, from <see cref="ConfigDriveContents"/>. Written beside its final
/// name and renamed, so a drive that exists is whole; one a previous try built is kept.
/// </summary>
public static class ConfigDrive
{
    public const string Label = "config-2";

    public const string Tool = "genisoimage";

    public static async Task BuildAsync(GuestSpec guest, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guest);
        if (File.Exists(target))
        {
            return;
        }

        var staging = target + ".d";
        var partial = target + ".part";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        foreach (var (path, content) in ConfigDriveContents.Files(guest))
        {
            var file = Path.Combine(staging, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, content, cancellationToken);
        }

        try
        {
            await RunAsync(["-o", partial, "-ldots", "-allow-lowercase", "-allow-multidot", "-l", "-V", Label, "-J", "-r", "-quiet", staging], cancellationToken);
            File.Move(partial, target);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            File.Delete(partial);
        }
    }

    private static async Task RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new GuestStorageException(HostFailureCode.ConfigDriveFailed,
                $"The config drive cannot be built: this host has no {Tool} ({e.Message}); install Debian's genisoimage package.", e);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                throw new GuestStorageException(HostFailureCode.ConfigDriveFailed,
                    $"The config drive could not be built: {Tool} exited with {process.ExitCode}: {(await errors).Trim()}");
            }
        }
    }
}
