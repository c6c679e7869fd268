using System.Diagnostics;

namespace Veil.Testing;

/// <summary>
/// A real libvirtd (with its virtlogd) of the test's own, for guests on QEMU. It runs in a mount namespace of its own
/// in which libvirt's system directories (<c>/run/libvirt</c>, <c>/var/lib/libvirt</c>, <c>/etc/libvirt</c>,
/// <c>/var/log/libvirt</c>, <c>/var/cache/libvirt</c>) are private folders, so two test processes (or a test and
/// <c>./veil run</c>) each have a daemon without seeing each other's domains, pools or locks. Its socket is in a
/// temporary folder: connect with <see cref="Uri"/>. A supervisor stops the daemons and every QEMU they started
/// when disposed, and also when the test process is gone however it ended.
/// </summary>
public sealed class PrivateLibvirtd : IAsyncDisposable
{
    // /etc/qemu too: firmware descriptors an operator installs go to /etc/qemu/firmware (InstallFirmwareDescriptor).
    private static readonly string[] SystemDirectories = ["/run/libvirt", "/var/lib/libvirt", "/etc/libvirt", "/var/log/libvirt", "/var/cache/libvirt", "/etc/qemu"];

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
        // QEMU runs as libvirt-qemu and must reach the guests' files below this folder.
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        await File.WriteAllTextAsync(Path.Combine(root, "libvirtd.conf"), $"""
            unix_sock_dir = "{root}/sock"
            auth_unix_rw = "none"
            auth_unix_ro = "none"
            """);
        var binds = string.Join('\n', SystemDirectories.Select(d =>
            $"mkdir -p '{d}' '{root}/ns{d}'; case '{d}' in /etc/*) [ -d '{d}' ] && cp -a '{d}'/. '{root}/ns{d}/';; esac; mount --bind '{root}/ns{d}' '{d}'"));
        var script = $$"""
            set -u
            {{binds}}
            virtlogd & logd=$!
            libvirtd -f '{{root}}/libvirtd.conf' --pid-file '{{root}}/libvirtd.pid' & daemon=$!
            stop() {
              for pid in '{{root}}'/ns/run/libvirt/qemu/*.pid; do [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2>/dev/null; done
              kill $daemon 2>/dev/null; wait $daemon 2>/dev/null
              kill $logd 2>/dev/null; wait $logd 2>/dev/null
              exit 0
            }
            trap stop TERM INT EXIT
            while kill -0 {{Environment.ProcessId}} 2>/dev/null && kill -0 $daemon 2>/dev/null; do sleep 1; done
            """;
        var start = new ProcessStartInfo("unshare")
        {
            ArgumentList = { "--mount", "--propagation", "private", "bash", "-c", script },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start.");
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
