using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Veil.Testing;
using Veil.TaskHub.Client;
using Veil.TaskHub.Diagnostics;

namespace Veil.TaskHub.IntegrationTests;

/// <summary>Queries (and what Veil adds: name filter, counts), the framework's warnings, and settings validation.</summary>
public sealed class QueryAndDiagnosticsTests
{
    private static void Register(DurableTaskRegistry r) => r
        .AddOrchestratorFunc<string, string>("A", (_, s) => Task.FromResult(s))
        .AddOrchestratorFunc<string, string>("B", (_, s) => Task.FromResult(s))
        .AddOrchestratorFunc<string, string>("Hangs", async (ctx, _) => await ctx.WaitForExternalEvent<string>("never"))
        .AddOrchestratorFunc<string, string>("AnsweredInTime", async (ctx, _) => await ctx.WaitForExternalEvent<string>("answer", TimeSpan.FromSeconds(2)));

    [Fact]
    public async Task Query_ByStatusPrefixCreatedTimeAndName_PagesWithTokens_AndCounts()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        for (var i = 0; i < 5; i++)
        {
            await hub.RunAsync(i % 2 == 0 ? "A" : "B", "x", $"q-{i}");
        }

        var hanging = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Hangs", "", new StartOrchestrationOptions("q-hangs"));
        await hub.Client.WaitForInstanceStartAsync(hanging);
        await hub.RunAsync("A", "x", "other-1");
        var prefix = new OrchestrationQuery { InstanceIdPrefix = "q-", PageSize = 2 };

        var first = await hub.Client.QueryPageAsync(prefix, "A");
        var second = await hub.Client.QueryPageAsync(prefix with { ContinuationToken = first.ContinuationToken }, "A");
        var running = await hub.Client.QueryPageAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running] });
        var counts = await hub.Client.CountInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "q-" });
        var namedCounts = await hub.Client.CountInstancesAsync(new OrchestrationQuery(), "B");
        var future = await hub.Client.QueryPageAsync(new OrchestrationQuery { CreatedFrom = DateTimeOffset.UtcNow.AddMinutes(5) });
        var recent = await hub.Client.CountInstancesAsync(new OrchestrationQuery { CreatedFrom = before });

        Assert.Equal(2, first.Values.Count);
        Assert.NotNull(first.ContinuationToken);
        Assert.All(first.Values.Concat(second.Values), i => Assert.Equal("A", i.Name));
        Assert.Equal(["q-0", "q-2", "q-4"], first.Values.Concat(second.Values).Select(i => i.InstanceId).Order().ToArray());
        Assert.Equal(["q-hangs"], running.Values.Select(i => i.InstanceId).ToArray());
        Assert.Equal(5, counts[OrchestrationRuntimeStatus.Completed]);
        Assert.Equal(1, counts[OrchestrationRuntimeStatus.Running]);
        Assert.Equal(2, namedCounts[OrchestrationRuntimeStatus.Completed]);
        Assert.Empty(future.Values);
        Assert.Equal(7, recent.Values.Sum());
    }

    [Fact]
    public async Task TimerFiringAfterItsOrchestrationEnded_DiscardedAsDesigned_NotCountedAsAWarning()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var warnings = hub.Services.GetRequiredService<EngineWarnings>();
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("AnsweredInTime", "");
        await hub.Client.WaitForInstanceStartAsync(id);
        await hub.Client.RaiseEventAsync(id, "answer", "in time");
        await hub.CompletionAsync(id);

        await Task.Delay(TimeSpan.FromSeconds(5)); // the 2 s timeout's timer fires into the completed instance

        Assert.Empty(warnings.Counts);
    }

    [Fact]
    public async Task OrchestrationNobodyRegistered_ItsMessageKeepsFailing_CountedAsEngineWarnings()
    {
        await using var hub = await TestHub.StartAsync(Register);
        var warnings = hub.Services.GetRequiredService<EngineWarnings>();

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("NotRegistered", "");

        await Eventually.Until(
            () => Task.FromResult(warnings.Counts),
            counts => counts.ContainsKey(EngineWarnings.AbandoningMessage),
            counts => $"no {EngineWarnings.AbandoningMessage} yet; seen: {string.Join(", ", counts.Keys)}");

        Assert.Contains(warnings.Recent, w => w.InstanceId == id && w.Event == EngineWarnings.AbandoningMessage);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await hub.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task BadSettings_RefusedAtStart_NamingEachSetting()
    {
        var settings = TestHub.FreshSettings(extra: new()
        {
            ["DurableTask:TaskHubName"] = "bad-name!",
            ["DurableTask:PartitionCount"] = "17",
            ["DurableTask:MaxQueuePollingInterval"] = "00:01:00",
            ["DurableTask:PartitionLeaseInterval"] = "00:00:05",
        });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTaskHubWorker(builder.Configuration, Register);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("DurableTask:TaskHubName 'bad-name!'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DurableTask:PartitionCount is 17", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DurableTask:MaxQueuePollingInterval is 1 min; it must be between 100 ms and 30 s.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DurableTask:PartitionLeaseInterval is 5 s; it must be between 15 s and 1 min.", refused.Message, StringComparison.Ordinal);
    }
}
