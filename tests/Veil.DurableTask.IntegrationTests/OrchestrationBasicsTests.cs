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
}
