using System.Diagnostics;

namespace Veil.Chaos.Runs;

/// <summary>
/// Another process that keeps one core busy for as long as it lives (a shell spinning in a loop), so a chaos run
/// sees the machine a shared CI runner is: Veil's processes get what is left. Killed when disposed.
/// </summary>
public sealed class CpuHog : IDisposable
{
    private readonly Process process;

    private CpuHog(Process process) => this.process = process;

    public static CpuHog Start()
    {
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "while :; do :; done" }, UseShellExecute = false };
        return new CpuHog(Process.Start(start) ?? throw new InvalidOperationException("the CPU hog (/bin/sh) did not start"));
    }

    public void Dispose()
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
