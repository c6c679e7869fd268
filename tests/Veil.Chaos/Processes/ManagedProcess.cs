using System.Diagnostics;

namespace Veil.Chaos.Processes;

/// <summary>
/// One of Veil's processes, started from a fixed command line and killed (SIGKILL) and started again on demand.
/// Output goes to a log file; an exit nobody asked for is remembered, because no fault may crash a process.
/// </summary>
public sealed class ManagedProcess(string name, Func<ProcessStartInfo> describe, string logPath) : IDisposable
{
    private readonly Lock gate = new();
    private readonly StreamWriter log = new(logPath, append: true) { AutoFlush = true };
    private Process? process;
    private bool killing;

    public string Name => name;

    public string LogPath => logPath;

    public int Kills { get; private set; }

    /// <summary>Exits that were not Veil's chaos killing it: a process that crashed on its own.</summary>
    public List<string> UnexpectedExits { get; } = [];

    public bool Running => process is { HasExited: false };

    public void Start()
    {
        var start = describe();
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        lock (gate)
        {
            killing = false;
            process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => Write(e.Data);
            process.ErrorDataReceived += (_, e) => Write(e.Data);
            var me = process;
            process.Exited += (_, _) => OnExit(me);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        Write($"--- chaos: started {name} (pid {process.Id})");
    }

    /// <summary>SIGKILL, as a power cut or the OOM killer would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        Process? victim;
        lock (gate)
        {
            victim = process;
            killing = true;
        }

        if (victim is null || victim.HasExited)
        {
            return;
        }

        Write($"--- chaos: SIGKILL {name} (pid {victim.Id})");
        victim.Kill(entireProcessTree: false);
        await victim.WaitForExitAsync();
        Kills++;
    }

    /// <summary>A polite stop at the end of a run (SIGTERM, then SIGKILL after a grace period).</summary>
    public void Stop()
    {
        lock (gate)
        {
            killing = true;
        }

        if (process is { HasExited: false } p)
        {
            Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!p.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                p.Kill();
            }
        }
    }

    public void Dispose()
    {
        Stop();
        process?.Dispose();
        log.Dispose();
    }

    private void OnExit(Process exited)
    {
        lock (gate)
        {
            if (!killing && ReferenceEquals(exited, process))
            {
                UnexpectedExits.Add($"{name} exited by itself with code {exited.ExitCode} at {DateTimeOffset.UtcNow:HH:mm:ss} (see {logPath})");
            }
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
