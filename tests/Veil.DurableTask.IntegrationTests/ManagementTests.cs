using System.Collections.Concurrent;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>What an operator does to instances: terminate, suspend, resume, rewind, restart, purge, query.</summary>
public sealed class ManagementTests
{
    private static readonly ConcurrentDictionary<string, int> Calls = new();

    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("Count", (ctx, s) =>
        {
            Calls.AddOrUpdate(ctx.InstanceId, 1, (_, n) => n + 1);
            return Task.FromResult(s);
        })
        .AddActivityFunc<string, string>("FailsFirstTime", (ctx, s) =>
            Calls.AddOrUpdate(ctx.InstanceId + "/fails", 1, (_, n) => n + 1) == 1
                ? throw new InvalidOperationException("transient outage")
                : Task.FromResult(s + " recovered"))
        .AddOrchestratorFunc<string?, string>("Approval", async (ctx, _) => await ctx.WaitForExternalEvent<string>("approve"))
        .AddOrchestratorFunc<string, string>("Counted", (ctx, s) => ctx.CallActivityAsync<string>("Count", s))
        .AddOrchestratorFunc<string, string>("Rewindable", async (ctx, s) =>
        {
            var first = await ctx.CallActivityAsync<string>("Count", s);
            return await ctx.CallActivityAsync<string>("FailsFirstTime", first);
        });

    [Fact]
    public async Task Terminate_Running_EndsWithReasonAsOutput()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.TerminateInstanceAsync(id, "tenant cancelled");
        var done = await hub.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("tenant cancelled", done.SerializedOutput);
    }

    [Fact]
    public async Task Terminate_PendingScheduledForLater_NeverRuns()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Counted", "x", new StartOrchestrationOptions(StartAt: DateTimeOffset.UtcNow.AddSeconds(3)));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await hub.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await hub.Client.TerminateInstanceAsync(id, "not needed");
        var done = await hub.CompletionAsync(id);
        await Task.Delay(4500);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.False(Calls.ContainsKey(id), "the scheduled start must not run a terminated instance");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await hub.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task StartAt_InstanceStaysPendingUntilThen()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var startAt = DateTimeOffset.UtcNow.AddSeconds(2);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Counted", "later", new StartOrchestrationOptions(StartAt: startAt));
        var pending = await hub.Client.GetInstanceAsync(id);
        var done = await hub.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.CompletedAt >= startAt, $"completed {done.CompletedAt:O}, scheduled for {startAt:O}");
    }

    [Fact]
    public async Task SuspendResume_EventsWaitWhileSuspended()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.SuspendInstanceAsync(id, "maintenance");
        await WaitForStatus(hub, id, OrchestrationRuntimeStatus.Suspended);
        await hub.Client.RaiseEventAsync(id, "approve", "yes");
        await Task.Delay(1500);
        var whileSuspended = await hub.Client.GetInstanceAsync(id);
        await hub.Client.ResumeInstanceAsync(id);
        var done = await hub.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, whileSuspended!.RuntimeStatus);
        Assert.Equal("yes", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_Suspended_EndsIt()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(id);
        await hub.Client.SuspendInstanceAsync(id);
        await WaitForStatus(hub, id, OrchestrationRuntimeStatus.Suspended);

        await hub.Client.TerminateInstanceAsync(id, "gone");
        var done = await hub.CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
    }

    [Fact]
    public async Task Rewind_Failed_RerunsOnlyTheFailedActivity()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var failed = await hub.RunAsync("Rewindable", "boot");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);

        await hub.Client.RewindInstanceAsync(failed.InstanceId, "outage over");
        var done = await hub.CompletionAsync(failed.InstanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("boot recovered", done.ReadOutputAs<string>());
        Assert.Equal(1, Calls[failed.InstanceId]);
        var history = await hub.Client.GetOrchestrationHistoryAsync(failed.InstanceId);
        var types = history.Select(e => e.Type).ToList();
        Assert.True(types.IndexOf(EventType.TaskFailed) < types.IndexOf(EventType.ExecutionRewound), string.Join(", ", types));
        Assert.Equal(EventType.ExecutionCompleted, types[^1]);
    }

    [Fact]
    public async Task Rewind_NotFailed_Refused()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var done = await hub.RunAsync("Counted", "fine");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RewindInstanceAsync(done.InstanceId));

        Assert.Contains("Only failed instances can be rewound", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_IdInUse_Refused_AfterCompletion_AllowedAgain()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = "approval-" + Guid.NewGuid().ToString("N");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions(id));

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions(id)));
        await hub.Client.RaiseEventAsync(id, "approve", "first");
        await hub.CompletionAsync(id);
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions(id));
        await hub.Client.RaiseEventAsync(id, "approve", "second");
        await WaitForStatus(hub, id, OrchestrationRuntimeStatus.Completed, output: "\"second\"");
    }

    [Fact]
    public async Task Restart_SameIdAndNewId_RunAgainWithTheOriginalInput()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var first = await hub.RunAsync("Counted", "again");

        var sameId = await hub.Client.RestartAsync(first.InstanceId);
        var sameDone = await hub.CompletionAsync(sameId);
        var newId = await hub.Client.RestartAsync(first.InstanceId, restartWithNewInstanceId: true);
        var newDone = await hub.CompletionAsync(newId);

        Assert.Equal(first.InstanceId, sameId);
        Assert.NotEqual(first.ExecutionId, sameDone.ExecutionId);
        Assert.Equal(2, Calls[first.InstanceId]);
        Assert.NotEqual(first.InstanceId, newId);
        Assert.Equal("again", newDone.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purge_RemovesRowHistoryAndBlobs_RecursivelyForChildren_RefusesRunning()
    {
        await using var hub = await TestHub.StartAsync(r => Register(r
            .AddOrchestratorFunc<string, string>("BigParent", (ctx, s) => ctx.CallSubOrchestratorAsync<string>("Counted", s))));
        var big = new string('x', 100_000);
        var done = await hub.RunAsync("BigParent", big);
        var running = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(running);

        var purged = await hub.Client.PurgeInstanceAsync(done.InstanceId, recursive: true);

        Assert.Equal(2, purged.PurgedInstanceCount);
        Assert.True(purged.PurgedHistoryEventCount >= 8, $"{purged.PurgedHistoryEventCount} events");
        Assert.True(purged.PurgedBlobCount >= 2, $"{purged.PurgedBlobCount} blobs");
        Assert.Null(await hub.Client.GetInstanceAsync(done.InstanceId));
        Assert.Empty(await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.PurgeInstanceAsync(running));
        Assert.Equal(0, (await hub.Client.PurgeInstanceAsync("no-such-instance")).PurgedInstanceCount);
    }

    [Fact]
    public async Task Query_FiltersPagesAndCounts()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
        {
            await hub.RunAsync("Counted", $"c{i}", instanceId: $"batch-a-{i}");
        }

        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions("batch-b-0"));
        await hub.Client.WaitForInstanceStartAsync("batch-b-0");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions("other-0"));
        await hub.Client.WaitForInstanceStartAsync("other-0");

        var pages = new List<OrchestrationQueryResult>();
        string? token = null;
        do
        {
            var page = await hub.Client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "batch-", PageSize = 2, ContinuationToken = token });
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(6, pages.Sum(p => p.Instances.Count));
        Assert.True(pages.Count >= 3);
        var completed = await hub.Client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], Name = "Counted", FetchInputsAndOutputs = true });
        Assert.Equal(5, completed.Instances.Count);
        Assert.All(completed.Instances, i => Assert.StartsWith("c", i.ReadOutputAs<string>(), StringComparison.Ordinal));
        var counts = await hub.Client.CountInstancesAsync(new OrchestrationQuery { CreatedFrom = from, CreatedTo = DateTimeOffset.UtcNow.AddSeconds(1) });
        Assert.Equal(5, counts[OrchestrationRuntimeStatus.Completed]);
        Assert.Equal(2, counts[OrchestrationRuntimeStatus.Running]);
        var none = await hub.Client.QueryInstancesAsync(new OrchestrationQuery { CreatedFrom = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Empty(none.Instances);
    }

    [Fact]
    public async Task PurgeInstances_ByQuery_RemovesOnlyFinishedMatches()
    {
        await using var hub = await TestHub.StartAsync(Register);
        for (var i = 0; i < 3; i++)
        {
            await hub.RunAsync("Counted", "p", instanceId: $"purge-me-{i}");
        }

        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, new StartOrchestrationOptions("purge-me-running"));
        await hub.Client.WaitForInstanceStartAsync("purge-me-running");
        await hub.RunAsync("Counted", "keep", instanceId: "keep-me");

        var purged = await hub.Client.PurgeInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "purge-me-" });

        Assert.Equal(3, purged.PurgedInstanceCount);
        Assert.NotNull(await hub.Client.GetInstanceAsync("purge-me-running"));
        Assert.NotNull(await hub.Client.GetInstanceAsync("keep-me"));
        Assert.Null(await hub.Client.GetInstanceAsync("purge-me-0"));
    }

    [Fact]
    public async Task BadSettings_WorkerRefusesToStartNamingEachOne()
    {
        var hub = new TestHub(Register, extra: new() { ["DurableTask:TaskHubName"] = "no-dashes!", ["DurableTask:PartitionCount"] = "40" });

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(hub.AddWorkerAsync);

        Assert.Contains("DurableTask:TaskHubName 'no-dashes!' must be 3-40 letters or digits", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DurableTask:PartitionCount 40 must be between 1 and 16", refused.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForStatus(TestHub hub, string id, OrchestrationRuntimeStatus status, string? output = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var now = await hub.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (now?.RuntimeStatus == status && (output is null || now.SerializedOutput == output))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{id} is {now?.RuntimeStatus}, not {status}");
            await Task.Delay(50);
        }
    }
}
