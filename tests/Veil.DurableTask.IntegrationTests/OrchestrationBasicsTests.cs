using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>The authoring API end to end: activities, inputs and outputs, failures, custom status.</summary>
public sealed class OrchestrationBasicsTests
{
    private static void Cities(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("SayHello", (_, city) => Task.FromResult($"Hello, {city}!"))
        .AddOrchestratorFunc<string[], string[]>("HelloCities", async (ctx, cities) =>
        {
            var results = new List<string>();
            foreach (var city in cities)
            {
                ctx.SetCustomStatus(new { step = city });
                results.Add(await ctx.CallActivityAsync<string>("SayHello", city));
            }

            return [.. results];
        });

    [Fact]
    public async Task SequentialActivities_CompleteWithTheirResultsInOrder()
    {
        await using var hub = await TestHub.StartAsync(Cities);

        var done = await hub.RunAsync("HelloCities", new[] { "Tokyo", "Seattle", "London" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["Hello, Tokyo!", "Hello, Seattle!", "Hello, London!"], done.ReadOutputAs<string[]>()!);
        Assert.Equal(new[] { "Tokyo", "Seattle", "London" }, done.ReadInputAs<string[]>());
        Assert.Equal("London", done.ReadCustomStatusAs<System.Text.Json.JsonElement>().GetProperty("step").GetString());
        Assert.NotNull(done.CompletedAt);
    }

    [Fact]
    public async Task ActivityThrows_InstanceFailsWithTheActivitysError()
    {
        await using var hub = await TestHub.StartAsync(r => r
            .AddActivityFunc<string, string>("Explode", (_, what) => throw new InvalidOperationException($"{what} is on fire"))
            .AddOrchestratorFunc<string, string>("Fragile", (ctx, what) => ctx.CallActivityAsync<string>("Explode", what)));

        var done = await hub.RunAsync("Fragile", "host-3");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("Task 'Explode' (#0) failed", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(TaskFailedException).FullName, done.FailureDetails.ErrorType);
        Assert.Equal("System.InvalidOperationException", done.FailureDetails.InnerFailure!.ErrorType);
        Assert.Equal("host-3 is on fire", done.FailureDetails.InnerFailure.ErrorMessage);
    }

    [Fact]
    public async Task ActivityFailure_CaughtByOrchestrator_DetailsNameTheException()
    {
        await using var hub = await TestHub.StartAsync(r => r
            .AddActivityFunc<string, string>("Explode", (_, what) => throw new InvalidOperationException($"{what} is on fire"))
            .AddOrchestratorFunc<string, string>("Careful", async (ctx, what) =>
            {
                try
                {
                    return await ctx.CallActivityAsync<string>("Explode", what);
                }
                catch (TaskFailedException e)
                {
                    return $"{e.TaskName}|{e.FailureDetails.ErrorType}|{e.FailureDetails.ErrorMessage}|{e.FailureDetails.IsCausedBy<InvalidOperationException>()}";
                }
            }));

        var done = await hub.RunAsync("Careful", "host-3");

        Assert.Equal("Explode|System.InvalidOperationException|host-3 is on fire|True", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task UnknownActivityAndOrchestrator_FailSayingWhatIsMissing()
    {
        await using var hub = await TestHub.StartAsync(r => r
            .AddOrchestratorFunc<string, string>("CallsNothing", (ctx, _) => ctx.CallActivityAsync<string>("NoSuchActivity")));

        var activity = await hub.RunAsync("CallsNothing");
        var orchestrator = await hub.RunAsync("NoSuchOrchestrator");

        Assert.Contains("No activity named 'NoSuchActivity' is registered", activity.FailureDetails!.InnerFailure!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, orchestrator.RuntimeStatus);
        Assert.Contains("No orchestrator named 'NoSuchOrchestrator' is registered", orchestrator.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FanOutFanIn_AllResultsGathered()
    {
        await using var hub = await TestHub.StartAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, n) => Task.FromResult(n * n))
            .AddOrchestratorFunc<int, int>("SumOfSquares", async (ctx, count) =>
            {
                var tasks = Enumerable.Range(1, count).Select(i => ctx.CallActivityAsync<int>("Square", i)).ToList();
                return (await Task.WhenAll(tasks)).Sum();
            }));

        var done = await hub.RunAsync("SumOfSquares", 150);

        Assert.Equal(Enumerable.Range(1, 150).Sum(i => i * i), done.ReadOutputAs<int>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId);
        Assert.Equal(150, history.Count(e => e.Type == EventType.TaskScheduled));
        Assert.Equal(150, history.Count(e => e.Type == EventType.TaskCompleted));
    }

    [Fact]
    public async Task LargePayloads_InputOutputAndActivityResultsRoundTripThroughBlobs()
    {
        var big = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i % 26)))) + new string('é', 60_000);
        await using var hub = await TestHub.StartAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s + "!"))
            .AddOrchestratorFunc<string, string>("EchoBig", async (ctx, s) =>
            {
                ctx.SetCustomStatus(s);
                return await ctx.CallActivityAsync<string>("Echo", s);
            }));

        var done = await hub.RunAsync("EchoBig", big);

        Assert.Equal(big + "!", done.ReadOutputAs<string>());
        Assert.Equal(big, done.ReadInputAs<string>());
        Assert.Equal(big, done.ReadCustomStatusAs<string>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId);
        Assert.Equal(big + "!", DurableJsonText(history.Single(e => e.Type == EventType.TaskCompleted).Data));
    }

    [Fact]
    public async Task NewGuidAndCurrentUtcDateTime_SameOnEveryReplay()
    {
        await using var hub = await TestHub.StartAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s))
            .AddOrchestratorFunc<string?, string>("Deterministic", async (ctx, _) =>
            {
                var id = ctx.NewGuid();
                var other = ctx.NewGuid();
                var at = ctx.CurrentUtcDateTime.ToString("O");
                var echoedId = await ctx.CallActivityAsync<string>("Echo", id.ToString());
                var echoedAt = await ctx.CallActivityAsync<string>("Echo", at);
                return $"{id == Guid.Parse(echoedId)}|{at == echoedAt}|{id != other}|{ctx.CurrentUtcDateTime > DateTime.Parse(at, null, System.Globalization.DateTimeStyles.RoundtripKind)}";
            }));

        var done = await hub.RunAsync("Deterministic");

        Assert.Equal("True|True|True|True", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ReplaySafeLogger_WritesEachLineOnce()
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var hub = await TestHub.StartAsync(
            r => r
                .AddActivityFunc<int, int>("Id", (_, n) => Task.FromResult(n))
                .AddOrchestratorFunc<int, int>("Chatty", async (ctx, n) =>
                {
                    var log = ctx.CreateReplaySafeLogger("Chatty");
                    for (var i = 0; i < n; i++)
                    {
#pragma warning disable CA1848, CA2254 // a test of the logger itself
                        log.LogWarning($"step {i} replaying={ctx.IsReplaying}");
#pragma warning restore CA1848, CA2254
                        await ctx.CallActivityAsync<int>("Id", i);
                    }

                    return n;
                }),
            configure: s => s.AddLogging(b => b.AddProvider(new CollectingLoggerProvider(lines))));

        await hub.RunAsync("Chatty", 4);

        var steps = lines.Where(l => l.StartsWith("step", StringComparison.Ordinal)).ToList();
        Assert.Equal(["step 0 replaying=False", "step 1 replaying=False", "step 2 replaying=False", "step 3 replaying=False"], steps);
    }

    private static string? DurableJsonText(string? json) => json is null ? null : System.Text.Json.JsonSerializer.Deserialize<string>(json);
}
