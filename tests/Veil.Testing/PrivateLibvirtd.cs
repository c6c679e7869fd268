using System.Diagnostics;

namespace Veil.Testing;

/// <summary>
/// A real libvirtd (with its virtlogd) of the test's own, for guests on QEMU, started by infra/private-libvirtd.sh
/// in a mount namespace of its own (libvirt's system directories are private folders there, so test processes
/// running side by side each have a daemon). Its socket is in a temporary folder: connect with <see cref="Uri"/>.
/// The script stops the daemons and every QEMU they started when disposed, and when the test process is gone
/// however it ended.
/// </summary>
public sealed class PrivateLibvirtd : IAsyncDisposable
{
    private readonly Process supervisor;

    private PrivateLibvirtd(string root, Process supervisor)
    {
        Root = root;
        this.supervisor = supervisor;
    }

    /// <summary>The folder holding the socket, the private directories and the supervisor's log.</summary>
    public string Root { get; }

    /// <summary>The libvirt URI of this daemon's QEMU driver.</summary>
    public string Uri => $"qemu:///system?socket={Root}/sock/libvirt-sock";

    /// <summary>What is missing for a real libvirtd here (null: nothing). infra/install-deps.sh installs it.</summary>
    public static string? Missing() =>
        new[] { "/usr/sbin/libvirtd", "/usr/sbin/virtlogd", "/usr/bin/qemu-system-x86_64", "/usr/bin/unshare" }.FirstOrDefault(p => !File.Exists(p)) is { } path
            ? $"{path} is not installed; run infra/install-deps.sh (./veil test does)."
            : null;

    /// <summary>Installs a QEMU firmware descriptor in this daemon's <c>/etc/qemu/firmware</c>, as an operator would.</summary>
    public void InstallFirmwareDescriptor(string fileName, string json)
    {
        var directory = Path.Combine(Root, "ns", "etc", "qemu", "firmware");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, fileName), json);
    }

    public static async Task<PrivateLibvirtd> StartAsync(TimeSpan? timeout = null)
    {
        if (Missing() is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        var root = Directory.CreateTempSubdirectory("veil-libvirtd-").FullName;
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "infra", "private-libvirtd.sh"))
        {
            ArgumentList = { root, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("infra/private-libvirtd.sh did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new PrivateLibvirtd(root, process);

        var socket = Path.Combine(root, "sock", "libvirt-sock");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!File.Exists(socket))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await daemon.DisposeAsync();
                throw new InvalidOperationException($"libvirtd did not open {socket}: {string.Join(Environment.NewLine, log.TakeLast(20))}");
            }

            await Task.Delay(100);
        }

        return daemon;
    }

    public async ValueTask DisposeAsync()
    {
        if (!supervisor.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", supervisor.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await supervisor.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                supervisor.Kill(entireProcessTree: true);
            }
        }

        supervisor.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A QEMU that has not quite gone may still hold a file; the folder is in /tmp.
        }
    }
}
