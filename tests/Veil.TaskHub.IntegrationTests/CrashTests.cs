using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Veil.TaskHub.Client;


namespace Veil.TaskHub.IntegrationTests;

/// <summary>
/// Workers as separate processes (Veil.TaskHub.Load worker), killed with SIGKILL or added and removed while 200
/// boot-shaped orchestrations run (three steps, a host's answer raised by the spawn step, the outcome recorded):
/// every one completes exactly once, with a history in which each step was scheduled once and answered. Activities
/// are at-least-once: one whose worker died before its result was checkpointed runs again, and DTFx then appends a
/// second completion for the same task (replay ignores it); the tests count those rather than forbid them. The
/// partitions of a killed worker move to the others through DTFx's own partition leases.
/// </summary>
[Collection(nameof(CrashTests))]
[CollectionDefinition(nameof(CrashTests), DisableParallelization = true)]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Orchestrations = 200;
    private const int StepMilliseconds = 30;

    /// <summary>How long no orchestration may complete before the run counts as stuck.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(120);

    private static Dictionary<string, string?> Settings() => TestHub.FreshSettings(partitions: 4, extra: new()
    {
        ["DurableTask:PartitionLeaseInterval"] = "00:00:15",
        ["DurableTask:MessageVisibilityTimeout"] = "00:00:10",
        ["DurableTask:MaxConcurrentActivities"] = "20",
        ["DurableTask:MaxQueuePollingInterval"] = "00:00:00.250",
    });

    [Fact]
    public async Task WorkerKilledMidRun_All200CompleteOnceWithConsistentHistory()
    {
        var settings = Settings();
        await using var client = await TestHub.StartClientAsync(settings);
        using var a = WorkerProcess.Start(settings);
        using var b = WorkerProcess.Start(settings);
        using var c = WorkerProcess.Start(settings);
        var ids = await ScheduleAsync(client.Client);

        var beforeKill = await WaitForCompletedAsync(client.Client, ids, 40);
        a.Kill();
        Assert.InRange(beforeKill, 40, Orchestrations - 20);
        await WaitForCompletedAsync(client.Client, ids, Orchestrations);

        await AssertConsistentAsync(client.Client, ids);
    }

    [Fact]
    public async Task WorkersAddedAndRemovedMidRun_All200CompleteOnceWithConsistentHistory()
    {
        var settings = Settings();
        await using var client = await TestHub.StartClientAsync(settings);
        using var first = WorkerProcess.Start(settings);
        var ids = await ScheduleAsync(client.Client);

        await WaitForCompletedAsync(client.Client, ids, 30);
        using var second = WorkerProcess.Start(settings);
        await WaitForCompletedAsync(client.Client, ids, 70);
        using var third = WorkerProcess.Start(settings);
        await WaitForCompletedAsync(client.Client, ids, 110);
        first.Stop();
        await WaitForCompletedAsync(client.Client, ids, 150);
        second.Kill();
        await WaitForCompletedAsync(client.Client, ids, Orchestrations);

        await AssertConsistentAsync(client.Client, ids);
    }

    private static async Task<List<string>> ScheduleAsync(DurableTaskClient client)
    {
        var ids = Enumerable.Range(0, Orchestrations).Select(i => $"crash-{i:D3}-{Guid.NewGuid():N}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync("BootShaped", StepMilliseconds, new StartOrchestrationOptions(id), ct));
        return ids;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> have completed, for as long as they keep completing: it fails when none has
    /// completed for <see cref="Stall"/> (several partition-lease and visibility periods: a lost message or lease is back
    /// well within it), not at a fixed time — on a machine whose cores are shared the run is slower, not wrong.
    /// </summary>
    private static async Task<int> WaitForCompletedAsync(DurableTaskClient client, List<string> ids, int count)
    {
        var query = new OrchestrationQuery { InstanceIdPrefix = "crash-", Statuses = [OrchestrationRuntimeStatus.Completed] };
        var lastProgress = DateTime.UtcNow;
        var seen = -1;
        int done;
        while ((done = (await client.CountInstancesAsync(query)).GetValueOrDefault(OrchestrationRuntimeStatus.Completed)) < count)
        {
            if (done > seen)
            {
                (seen, lastProgress) = (done, DateTime.UtcNow);
            }

            if (DateTime.UtcNow - lastProgress > Stall)
            {
                var stuck = new List<string>();
                foreach (var id in ids)
                {
                    var instance = await client.GetInstanceAsync(id);
                    if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed && stuck.Count < 3)
                    {
                        var history = await client.GetOrchestrationHistoryAsync(id);
                        stuck.Add($"{id} {instance?.RuntimeStatus}: {string.Join(", ", history.Select(e => e.EventType))}");
                    }
                }

                Assert.Fail($"only {done} of {ids.Count} completed, waiting for {count}, and none completed in the last {Stall.TotalSeconds:F0} s; for example:\n{string.Join("\n", stuck)}");
            }

            await Task.Delay(500);
        }

        return done;
    }

    /// <summary>
    /// Each instance: one start, one completion, a host answer (or two, when the spawn step ran twice), steps #0, #1, #2 and #4 each scheduled once and
    /// answered (a repeated answer is counted), output as expected.
    /// </summary>
    private async Task AssertConsistentAsync(DurableTaskClient client, List<string> ids)
    {
        var problems = new ConcurrentBag<string>();
        var repeated = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || instance.ReadOutputAs<int>() != 5 * StepMilliseconds)
            {
                problems.Add($"{id}: {instance?.RuntimeStatus} {instance?.SerializedOutput}");
                return;
            }

            var history = await client.GetOrchestrationHistoryAsync(id, ct);
            var scheduled = history.OfType<TaskScheduledEvent>().Select(e => e.EventId).ToList();
            var answered = history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).ToList();
            if (history.OfType<ExecutionStartedEvent>().Count() != 1
                || history.OfType<ExecutionCompletedEvent>().Count() != 1
                || !history.OfType<EventRaisedEvent>().Any()
                || !scheduled.Order().SequenceEqual([0, 1, 2, 4])
                || !answered.Distinct().Order().SequenceEqual([0, 1, 2, 4]))
            {
                problems.Add($"{id}: {string.Join(", ", history.Select(e => $"{e.EventType}#{e.EventId}"))}");
            }

            Interlocked.Add(ref repeated, answered.Count - answered.Distinct().Count());
        });

        Assert.True(problems.IsEmpty, string.Join("\n", problems.Take(5)));
        output.WriteLine($"{ids.Count} completed once each; {repeated} activity results were delivered twice (at-least-once activities after the crash)");
    }

    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process process;

        private WorkerProcess(Process process) => this.process = process;

        public static WorkerProcess Start(IReadOnlyDictionary<string, string?> settings)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Veil.TaskHub.Load.dll"));
            start.ArgumentList.Add("worker");
            foreach (var (key, value) in settings)
            {
                start.ArgumentList.Add($"--{key}={value}");
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new WorkerProcess(process);
        }

        /// <summary>SIGKILL: no chance to release leases or finish anything.</summary>
        public void Kill()
        {
            process.Kill();
            process.WaitForExit();
        }

        /// <summary>SIGTERM: a graceful stop that hands its partitions over.</summary>
        public void Stop()
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            term.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(40)))
            {
                process.Kill();
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
