using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>
/// Workers as separate processes (Veil.DurableTask.Load worker), killed with SIGKILL or added and removed while 200
/// orchestrations run: every one completes exactly once with a consistent history.
/// </summary>
[Collection(nameof(CrashTests))]
[CollectionDefinition(nameof(CrashTests), DisableParallelization = true)]
public sealed class CrashTests
{
    private const int Orchestrations = 200;

    [Fact]
    public async Task WorkerKilledMidRun_All200CompleteOnceWithConsistentHistory()
    {
        await using var hub = new TestHub(_ => { }, partitions: 4, extra: Settings);
        var client = await hub.StartClientOnlyAsync();
        using var a = WorkerProcess.Start(hub);
        using var b = WorkerProcess.Start(hub);
        using var c = WorkerProcess.Start(hub);
        var ids = await ScheduleAsync(client);

        var beforeKill = await WaitForCompletedAsync(client, ids, 40);
        a.Kill();
        Assert.InRange(beforeKill, 40, Orchestrations - 20);
        await WaitForCompletedAsync(client, ids, Orchestrations, TimeSpan.FromSeconds(100));

        await AssertConsistentAsync(client, ids);
    }

    [Fact]
    public async Task WorkersAddedAndRemovedMidRun_All200CompleteOnceWithConsistentHistory()
    {
        await using var hub = new TestHub(_ => { }, partitions: 4, extra: Settings);
        var client = await hub.StartClientOnlyAsync();
        using var first = WorkerProcess.Start(hub);
        var ids = await ScheduleAsync(client);

        await WaitForCompletedAsync(client, ids, 30);
        using var second = WorkerProcess.Start(hub);
        await WaitForCompletedAsync(client, ids, 70);
        using var third = WorkerProcess.Start(hub);
        await WaitForCompletedAsync(client, ids, 110);
        first.Stop();
        await WaitForCompletedAsync(client, ids, 150);
        second.Kill();
        await WaitForCompletedAsync(client, ids, Orchestrations, TimeSpan.FromSeconds(100));

        await AssertConsistentAsync(client, ids);
    }

    private static Dictionary<string, string?> Settings => new()
    {
        ["DurableTask:LeaseDuration"] = "00:00:15",
        ["DurableTask:MessageVisibilityTimeout"] = "00:00:10",
        ["DurableTask:MaxConcurrentActivities"] = "20",
    };

    private static async Task<List<string>> ScheduleAsync(DurableTaskClient client)
    {
        var ids = Enumerable.Range(0, Orchestrations).Select(i => $"crash-{i:D3}-{Guid.NewGuid():N}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync("SlowSequence5", 30, new StartOrchestrationOptions(id), ct));
        return ids;
    }

    private static async Task<int> WaitForCompletedAsync(DurableTaskClient client, List<string> ids, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        var prefix = new OrchestrationQuery { InstanceIdPrefix = "crash-", Statuses = [OrchestrationRuntimeStatus.Completed] };
        int done;
        while ((done = (await client.CountInstancesAsync(prefix)).GetValueOrDefault(OrchestrationRuntimeStatus.Completed)) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                var stuck = new List<string>();
                foreach (var id in ids)
                {
                    var instance = await client.GetInstanceAsync(id);
                    if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed && stuck.Count < 3)
                    {
                        var history = await client.GetOrchestrationHistoryAsync(id);
                        stuck.Add($"{id} {instance?.RuntimeStatus}: {string.Join(", ", history.Select(e => $"{e}{(e.Dispatch is null ? "" : "/" + e.Dispatch)}{(e.ScheduledId is null ? "" : "→" + e.ScheduledId)}"))}");
                    }
                }

                Assert.Fail($"only {done} of {ids.Count} completed, waiting for {count}; for example:\n{string.Join("\n", stuck)}");
            }

            await Task.Delay(250);
        }

        return done;
    }

    /// <summary>Each instance: one start, one completion (last), tasks #0-#4 each scheduled once and answered once, output 150.</summary>
    private static async Task AssertConsistentAsync(DurableTaskClient client, List<string> ids)
    {
        var problems = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || instance.ReadOutputAs<int>() != 150)
            {
                problems.Add($"{id}: {instance?.RuntimeStatus} {instance?.SerializedOutput}");
                return;
            }

            var history = await client.GetOrchestrationHistoryAsync(id, ct);
            var scheduled = history.Where(e => e.Type == EventType.TaskScheduled).Select(e => e.EventId).ToList();
            var answered = history.Where(e => e.Type == EventType.TaskCompleted).Select(e => e.ScheduledId ?? -1).ToList();
            if (history.Count(e => e.Type == EventType.ExecutionStarted) != 1
                || history.Count(e => e.Type == EventType.ExecutionCompleted) != 1
                || history[^1].Type != EventType.ExecutionCompleted
                || !scheduled.SequenceEqual([0, 1, 2, 3, 4])
                || !answered.Order().SequenceEqual([0, 1, 2, 3, 4]))
            {
                problems.Add($"{id}: {string.Join(", ", history.Select(e => e.ToString()))}");
            }
        });

        Assert.True(problems.IsEmpty, string.Join("\n", problems.Take(5)));
    }

    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process process;

        private WorkerProcess(Process process) => this.process = process;

        public static WorkerProcess Start(TestHub hub)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Veil.DurableTask.Load.dll"));
            start.ArgumentList.Add("worker");
            foreach (var (key, value) in hub.Settings)
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
