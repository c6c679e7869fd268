using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Veil.TaskHub.IntegrationTests;

/// <summary>
/// Every operation Veil's API and Portal use, through the SDK's DurableTaskClient over DurableTask.AzureStorage,
/// against orchestrations run by DurableTask.Core's worker on the real Azurite.
/// </summary>
public sealed class ClientOperationTests : IAsyncLifetime
{
    private static readonly Dictionary<string, int> Attempts = [];
    private TestHub hub = null!;

    public async ValueTask InitializeAsync() => hub = await TestHub.StartAsync(Register);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s))
        .AddActivityFunc<string, string>("FailsOnce", (_, key) =>
        {
            lock (Attempts)
            {
                Attempts[key] = Attempts.GetValueOrDefault(key) + 1;
                return Attempts[key] == 1 ? throw new InvalidOperationException($"first try of {key} fails", new TimeoutException("inner cause")) : Task.FromResult("second try");
            }
        })
        .AddOrchestratorFunc<string, string>("EchoTwice", async (ctx, s) =>
        {
            ctx.SetCustomStatus(new { step = "echoing" });
            return await ctx.CallActivityAsync<string>("Echo", s) + await ctx.CallActivityAsync<string>("Echo", s);
        })
        .AddOrchestratorFunc<string, string>("WaitsForGo", async (ctx, _) =>
        {
            try
            {
                return await ctx.WaitForExternalEvent<string>("go", TimeSpan.FromMinutes(2));
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        })
        .AddOrchestratorFunc<string, string>("WaitsBriefly", async (ctx, _) =>
        {
            try
            {
                return await ctx.WaitForExternalEvent<string>("go", TimeSpan.FromSeconds(2));
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        })
        .AddOrchestratorFunc<string, string>("Parent", async (ctx, _) => await ctx.CallSubOrchestratorAsync<string>("WaitsForGo", "", new SubOrchestrationOptions { InstanceId = ctx.InstanceId + "-child" }))
        .AddOrchestratorFunc<string, string>("Flaky", async (ctx, key) => await ctx.CallActivityAsync<string>("FailsOnce", key));

    [Fact]
    public async Task Schedule_IdStillRunning_RefusedAsAlreadyExists_AfterItEnds_AllowedAgain()
    {
        var id = "dedupe-" + Guid.NewGuid().ToString("N");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "", new StartOrchestrationOptions(id));
        // Running, as the name says. Raised while the instance was still Pending (just after the refused second
        // schedule), the event once went unanswered for 90 s on a loaded machine; why is not established yet.
        await hub.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "", new StartOrchestrationOptions(id)));
        await hub.Client.RaiseEventAsync(id, "go", "first");
        Assert.Equal("first", (await hub.CompletionAsync(id)).ReadOutputAs<string>());
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("EchoTwice", "b", new StartOrchestrationOptions(id));
        Assert.Equal("bb", (await hub.CompletionAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task GetInstance_InputOutputAndCustomStatus_RoundTripThroughOneConverter()
    {
        var done = await hub.RunAsync("EchoTwice", "ab");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("ab", done.ReadInputAs<string>());
        Assert.Equal("abab", done.ReadOutputAs<string>());
        Assert.Contains("echoing", done.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.True(done.LastUpdatedAt >= done.CreatedAt);
        Assert.Null(await hub.Client.GetInstanceAsync("no-such-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task WaitForExternalEvent_RaisedPayloadArrives_OrTheDurableTimerWins()
    {
        var raised = await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "");
        await hub.Client.WaitForInstanceStartAsync(raised);
        await hub.Client.RaiseEventAsync(raised, "go", "payload");
        var silent = await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsBriefly", "");

        Assert.Equal("payload", (await hub.CompletionAsync(raised)).ReadOutputAs<string>());
        Assert.Equal("timed out", (await hub.CompletionAsync(silent)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_Recursive_EndsParentAndRunningChildWithTheReason()
    {
        var id = "parent-" + Guid.NewGuid().ToString("N");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "", new StartOrchestrationOptions(id));
        await hub.StatusAsync(id + "-child", OrchestrationRuntimeStatus.Running);

        await hub.Client.TerminateInstanceAsync(id, new TerminateInstanceOptions("operator said so", Recursive: true));

        var parent = await hub.StatusAsync(id, OrchestrationRuntimeStatus.Terminated);
        var child = await hub.StatusAsync(id + "-child", OrchestrationRuntimeStatus.Terminated);
        Assert.Equal("operator said so", parent.ReadOutputAs<string>());
        Assert.Equal("operator said so", child.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SuspendResume_EventRaisedWhileSuspendedIsKept_AndActedOnAfterResume()
    {
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "");
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.SuspendInstanceAsync(id, "maintenance");
        await hub.StatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await hub.Client.RaiseEventAsync(id, "go", "kept");
        await Task.Delay(1000);
        var stillSuspended = await hub.Client.GetInstanceAsync(id);
        await hub.Client.ResumeInstanceAsync(id, "done");

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, stillSuspended!.RuntimeStatus);
        Assert.Equal("kept", (await hub.CompletionAsync(id)).ReadOutputAs<string>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(id);
        Assert.Contains(history, e => e is ExecutionSuspendedEvent { Reason: "maintenance" });
        Assert.Contains(history, e => e is ExecutionResumedEvent { Reason: "done" });
    }

    [Fact]
    public async Task Restart_EndedUnderItsOwnId_OrRunningUnderANewId_RunsWithTheOriginalInput()
    {
        var id = "restart-" + Guid.NewGuid().ToString("N");
        await hub.RunAsync("EchoTwice", "x", id);
        var running = await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "");

        var again = await hub.Client.RestartAsync(id);
        var copy = await hub.Client.RestartAsync(running, restartWithNewInstanceId: true);

        Assert.Equal(id, again);
        Assert.Equal("xx", (await hub.CompletionAsync(again)).ReadOutputAs<string>());
        Assert.NotEqual(running, copy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RestartAsync(running));
        await Assert.ThrowsAsync<ArgumentException>(() => hub.Client.RestartAsync("no-such-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task FailedInstance_FailureDetailsFromHistory_ThenRewind_RerunsTheFailedActivity()
    {
        var key = Guid.NewGuid().ToString("N");

        var failed = await hub.RunAsync("Flaky", key);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal("Microsoft.DurableTask.TaskFailedException", failed.FailureDetails!.ErrorType);
        Assert.Equal("System.InvalidOperationException", failed.FailureDetails.InnerFailure!.ErrorType);
        Assert.Equal($"first try of {key} fails", failed.FailureDetails.InnerFailure.ErrorMessage);
        var history = await hub.Client.GetOrchestrationHistoryAsync(failed.InstanceId);
        Assert.Contains(history, e => e is TaskFailedEvent { FailureDetails.ErrorType: "System.InvalidOperationException" });
        var completed = await hub.RunAsync("EchoTwice", "y");
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RewindInstanceAsync(completed.InstanceId, "not failed"));

        await hub.Client.RewindInstanceAsync(failed.InstanceId, "try again");

        var rewound = await hub.StatusAsync(failed.InstanceId, OrchestrationRuntimeStatus.Completed);
        Assert.Equal("second try", rewound.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purge_RefusesRunning_PurgesEndedWithItsChildrenWhenRecursive()
    {
        var id = "purge-" + Guid.NewGuid().ToString("N");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "", new StartOrchestrationOptions(id));
        await hub.StatusAsync(id + "-child", OrchestrationRuntimeStatus.Running);

        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.PurgeInstanceAsync(id));
        await hub.Client.RaiseEventAsync(id + "-child", "go", "done");
        await hub.StatusAsync(id, OrchestrationRuntimeStatus.Completed);
        var purged = await hub.Client.PurgeInstanceAsync(id, new PurgeInstanceOptions(Recursive: true));

        Assert.Equal(2, purged.PurgedInstanceCount);
        Assert.Null(await hub.Client.GetInstanceAsync(id));
        Assert.Null(await hub.Client.GetInstanceAsync(id + "-child"));
        Assert.Empty(await hub.Client.GetOrchestrationHistoryAsync(id));
    }

    [Fact]
    public async Task PurgeAll_ByFilter_RemovesOnlyEndedMatches_AndRefusesAStatusThatHasNotEnded()
    {
        var settings = TestHub.FreshSettings();
        await using var own = await TestHub.StartAsync(Register, settings);
        var ended = await own.RunAsync("EchoTwice", "e");
        var running = await own.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo", "");
        await own.Client.WaitForInstanceStartAsync(running);

        await Assert.ThrowsAsync<ArgumentException>(() => own.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(null, null, [OrchestrationRuntimeStatus.Running])));
        var purged = await own.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UtcNow.AddHours(-1), null, null));

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await own.Client.GetInstanceAsync(ended.InstanceId));
        Assert.NotNull(await own.Client.GetInstanceAsync(running));
    }
}
