namespace Veil.DurableTask.IntegrationTests;

/// <summary>Durable timers and external events, including their races.</summary>
public sealed class TimersAndEventsTests
{
    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<int, int>("Slow", async (_, ms) =>
        {
            await Task.Delay(ms);
            return ms;
        })
        .AddOrchestratorFunc<int, string>("Sleeper", async (ctx, ms) =>
        {
            var before = ctx.CurrentUtcDateTime;
            await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms), CancellationToken.None);
            return (ctx.CurrentUtcDateTime - before).TotalMilliseconds >= ms ? "slept" : "woke early";
        })
        .AddOrchestratorFunc<string?, string>("Approval", async (ctx, _) => await ctx.WaitForExternalEvent<string>("approve"))
        .AddOrchestratorFunc<int, string>("LateWaiter", async (ctx, ms) =>
        {
            await ctx.CallActivityAsync<int>("Slow", ms);
            var first = await ctx.WaitForExternalEvent<string>("item");
            var second = await ctx.WaitForExternalEvent<string>("item");
            return first + "," + second;
        })
        .AddOrchestratorFunc<int, string>("ApprovalWithTimeout", async (ctx, seconds) =>
        {
            try
            {
                return await ctx.WaitForExternalEvent<string>("approve", TimeSpan.FromSeconds(seconds));
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        })
        .AddOrchestratorFunc<string, string>("Pinger", async (ctx, target) =>
        {
            ctx.SendEvent(target, "approve", "from " + ctx.InstanceId);
            return "sent";
        });

    [Fact]
    public async Task CreateTimer_FiresAfterItsTime()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Sleeper", 1500);

        Assert.Equal("slept", done.ReadOutputAs<string>());
        Assert.True(done.CompletedAt - done.CreatedAt >= TimeSpan.FromMilliseconds(1500), $"took {done.CompletedAt - done.CreatedAt}");
        var history = await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId);
        Assert.Single(history, e => e.Type == EventType.TimerCreated);
        Assert.Single(history, e => e.Type == EventType.TimerFired);
    }

    [Fact]
    public async Task WaitForExternalEvent_RaisedByClient_ReturnsItsPayload()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.RaiseEventAsync(id, "approve", "yes, by alice");
        var done = await hub.CompletionAsync(id);

        Assert.Equal("yes, by alice", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task EventsRaisedBeforeTheWait_AreBufferedInOrder()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("LateWaiter", 1500);
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.RaiseEventAsync(id, "item", "first");
        await hub.Client.RaiseEventAsync(id, "item", "second");
        var done = await hub.CompletionAsync(id);

        Assert.Equal("first,second", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task EventRacingTimeout_TimeoutWinsWhenNoEventComes()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("ApprovalWithTimeout", 1);

        Assert.Equal("timed out", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task EventRacingTimeout_EventWinsWhenItComesFirst_LateTimerIgnored()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", 2);
        await hub.Client.WaitForInstanceStartAsync(id);

        await hub.Client.RaiseEventAsync(id, "approve", "in time");
        var done = await hub.CompletionAsync(id);
        await Task.Delay(2500);

        Assert.Equal("in time", done.ReadOutputAs<string>());
        var after = await hub.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after!.RuntimeStatus);
        Assert.Equal("in time", after.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SendEvent_FromOneInstanceToAnother_Delivered()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var waiter = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await hub.Client.WaitForInstanceStartAsync(waiter);

        var pinger = await hub.RunAsync("Pinger", waiter);
        var done = await hub.CompletionAsync(waiter);

        Assert.Equal("sent", pinger.ReadOutputAs<string>());
        Assert.Equal("from " + pinger.InstanceId, done.ReadOutputAs<string>());
    }
}
