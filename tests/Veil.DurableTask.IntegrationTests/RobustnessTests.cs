using System.Text.Json;
using Veil.Storage;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>Poison messages, duplicates, non-determinism, and several workers sharing one hub.</summary>
public sealed class RobustnessTests
{
    private static volatile bool useB;

    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("A", (_, s) => Task.FromResult("A:" + s))
        .AddActivityFunc<string, string>("B", (_, s) => Task.FromResult("B:" + s))
        .AddActivityFunc<int, int>("Work", async (_, n) =>
        {
            await Task.Delay(20);
            return n;
        })
        .AddOrchestratorFunc<string?, string>("Approval", async (ctx, _) => await ctx.WaitForExternalEvent<string>("approve"))
        .AddOrchestratorFunc<string?, string>("Changing", async (ctx, _) =>
        {
            var first = await ctx.CallActivityAsync<string>(useB ? "B" : "A", "x");
            var go = await ctx.WaitForExternalEvent<string>("go");
            return first + go;
        })
        .AddOrchestratorFunc<int, int>("Steps", async (ctx, n) =>
        {
            var sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += await ctx.CallActivityAsync<int>("Work", i);
            }

            return sum;
        });

    [Fact]
    public async Task NonDeterministicCode_InstanceFailsNamingExpectedAndActualAction()
    {
        useB = false;
        await using var hub = await TestHub.StartAsync(Register);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Changing");
        await WaitUntil(async () => (await hub.Client.GetOrchestrationHistoryAsync(id)).Any(e => e.Type == EventType.TaskCompleted));

        useB = true;
        await hub.Client.RaiseEventAsync(id, "go", "!");
        var done = await hub.CompletionAsync(id);
        useB = false;

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("history has CallActivity 'A' as action #0, but the code now takes CallActivity 'B'", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartMessageLost_RetriedSchedule_RefusedButStartsThePendingInstance()
    {
        // A scheduler that died between writing the Pending row and sending the start message.
        var hub = new TestHub(Register, partitions: 1);
        await using var _ = hub;
        var client = await hub.StartClientOnlyAsync();
        await client.ScheduleNewOrchestrationInstanceAsync("Steps", 3, new StartOrchestrationOptions("lost-start"));
        var control = await new StorageAccount(Testing.Azurite.Shared.ConnectionString).QueueAsync($"{hub.HubName.ToLowerInvariant()}-control-00");
        await control.ClearMessagesAsync();

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => client.ScheduleNewOrchestrationInstanceAsync("Steps", 3, new StartOrchestrationOptions("lost-start")));
        await hub.AddWorkerAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // without the repair it never starts
        var done = await client.WaitForInstanceCompletionAsync("lost-start", getInputsAndOutputs: true, patience.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(3, done.ReadOutputAs<int>());
        Assert.Single(await client.GetOrchestrationHistoryAsync("lost-start"), e => e.Type == EventType.ExecutionStarted);
    }

    [Fact]
    public async Task MalformedControlMessage_ParkedWithReason_ListedReplayableDiscardable()
    {
        await using var hub = await TestHub.StartAsync(Register, partitions: 1);
        var storage = new StorageAccount(Testing.Azurite.Shared.ConnectionString);
        var control = await storage.QueueAsync($"{hub.HubName.ToLowerInvariant()}-control-00");

        await control.SendMessageAsync("{ this is not a task message");
        await WaitUntil(async () => (await hub.Client.GetParkedMessagesAsync()).Count == 1);
        var parked = Assert.Single(await hub.Client.GetParkedMessagesAsync());

        Assert.Contains("Not a task message batch", parked.Reason, StringComparison.Ordinal);
        Assert.Equal("{ this is not a task message", parked.Body);
        Assert.True(await hub.Client.DiscardParkedMessageAsync(parked.Id));
        Assert.Empty(await hub.Client.GetParkedMessagesAsync());
    }

    [Fact]
    public async Task MessageRedeliveredTooOften_Parked_ReplayDeliversIt()
    {
        await using var hub = await TestHub.StartAsync(Register, partitions: 1);
        var client = await hub.StartClientOnlyAsync();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Approval");
        using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await client.WaitForInstanceStartAsync(id, cancellationToken: started.Token);
        }

        await hub.StopWorkerAsync(hub.Workers[0]);
        await client.RaiseEventAsync(id, "approve", "late but fine");
        var storage = new StorageAccount(Testing.Azurite.Shared.ConnectionString);
        var control = await storage.QueueAsync($"{hub.HubName.ToLowerInvariant()}-control-00");

        // Simulate workers that received the event message and died each time before recording it.
        string? eventMessage = null;
        for (var i = 0; i < 4; i++)
        {
            foreach (var m in (await control.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value)
            {
                if (m.Body.ToString().Contains("EventRaised", StringComparison.Ordinal))
                {
                    eventMessage = m.MessageId;
                }
            }

            await Task.Delay(1100);
        }

        await hub.AddWorkerAsync();
        await WaitUntil(async () => (await client.GetParkedMessagesAsync()).Count >= 1);
        var parked = (await client.GetParkedMessagesAsync()).Single(p => p.MessageId == eventMessage);
        Assert.Contains("Delivered", parked.Reason, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(id))!.RuntimeStatus);

        Assert.True(await client.ReplayParkedMessageAsync(parked.Id));
        var done = await hub.CompletionAsync(id);

        Assert.Equal("late but fine", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task DuplicateEventMessage_RecordedOnce()
    {
        await using var hub = await TestHub.StartAsync(Register, partitions: 1);
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Changing");
        await WaitUntil(async () => (await hub.Client.GetOrchestrationHistoryAsync(id)).Any(e => e.Type == EventType.TaskCompleted));
        var storage = new StorageAccount(Testing.Azurite.Shared.ConnectionString);
        var control = await storage.QueueAsync($"{hub.HubName.ToLowerInvariant()}-control-00");
        var body = JsonSerializer.Serialize(new
        {
            messages = new[] { new { id = "dup-1", instanceId = id, @event = new { type = "EventRaised", name = "go", data = "\"!\"" } } },
        });

        await control.SendMessageAsync(body);
        await control.SendMessageAsync(body);
        var done = await hub.CompletionAsync(id);
        await Task.Delay(500);

        Assert.Equal("A:x!", done.ReadOutputAs<string>());
        Assert.Single(await hub.Client.GetOrchestrationHistoryAsync(id), e => e.Type == EventType.EventRaised);
    }

    [Fact]
    public async Task TwoWorkers_ShareThePartitions_AndOneLeaving_HandsItsShareOver()
    {
        await using var hub = await TestHub.StartAsync(Register, partitions: 4, workers: 2);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await hub.Client.ScheduleNewOrchestrationInstanceAsync("Steps", 5));
        }

        foreach (var id in ids.Take(5))
        {
            Assert.Equal(10, (await hub.CompletionAsync(id)).ReadOutputAs<int>());
        }

        await hub.StopWorkerAsync(hub.Workers[1]);
        var rest = await Task.WhenAll(ids.Skip(5).Select(id => hub.CompletionAsync(id)));

        Assert.All(rest, r => Assert.Equal(10, r.ReadOutputAs<int>()));
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await Task.Delay(100);
        }
    }
}
