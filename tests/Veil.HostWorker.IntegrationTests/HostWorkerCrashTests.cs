using System.Collections.Concurrent;
using System.Diagnostics;
using Veil.Shared.Contracts;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>The HostWorker as its own process, killed in the middle of a spawn and started again.</summary>
public sealed class HostWorkerCrashTests
{
    [Fact]
    public async Task WorkerKilledMidSpawn_Restarted_CommandCompletesOnce()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        var guest = GuestSpecBuilder.NewSnp("crash-mid-spawn");
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));

        using (var crashing = WorkerProcess.Start(worker.Settings(), "Veil.HostWorker.CrashHost.dll"))
        {
            Assert.True(await crashing.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the worker did not crash at the fault point\n" + crashing.Output);
            Assert.NotEqual(0, crashing.ExitCode);
        }

        Assert.Equal(0, await worker.PendingOutcomesAsync());
        Assert.Single(Directory.GetFiles(Path.Combine(worker.StateDirectory, "domains"), "*.xml"));

        using var restarted = WorkerProcess.Start(worker.Settings());
        var outcome = await worker.NextEventAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HostCommandOutcome.Succeeded, outcome.Outcome);
        Assert.Equal("running", outcome.DomainState);
        Assert.Equal(guest.ServerId, outcome.ServerId);

        // Past another visibility timeout: the command is not run (or reported) a second time.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await worker.PendingOutcomesAsync());
        Assert.Equal(0, (await (await worker.CommandQueueAsync()).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Single(Directory.GetFiles(Path.Combine(worker.StateDirectory, "domains"), "*.xml"));
        Assert.Single(Directory.GetFiles(Path.Combine(worker.StateDirectory, "domains"), "*.running"));
    }

    /// <summary>A HostWorker started as `dotnet Veil.HostWorker.dll --Key=Value …`, as ./veil run starts it (or the
    /// crash host: the same worker with a fault point).</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> output = new();

        private WorkerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int ExitCode => process.ExitCode;

        public string Output => string.Join('\n', output);

        public static WorkerProcess Start(Dictionary<string, string?> settings, string program = "Veil.HostWorker.dll")
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
            foreach (var (key, value) in settings.Select(s => (s.Key, s.Value ?? "")))
            {
                start.ArgumentList.Add($"--{key}={value}");
            }

            return new WorkerProcess(Process.Start(start)!);
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
