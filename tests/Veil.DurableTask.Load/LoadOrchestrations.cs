namespace Veil.DurableTask.Load;

/// <summary>The orchestrations the crash tests and benchmarks run (Durable Functions' benchmark shapes).</summary>
public static class LoadOrchestrations
{
    public static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("SayHello", async (_, city) =>
        {
            await Task.Yield();
            return $"Hello, {city}!";
        })
        .AddActivityFunc<int, int>("Slow", async (_, ms) =>
        {
            await Task.Delay(ms);
            return ms;
        })
        .AddOrchestratorFunc<string?, string[]>("HelloCities5", async (ctx, _) =>
        {
            var results = new string[5];
            var cities = new[] { "Tokyo", "Seattle", "London", "Cairo", "Lima" };
            for (var i = 0; i < cities.Length; i++)
            {
                results[i] = await ctx.CallActivityAsync<string>("SayHello", cities[i]);
            }

            return results;
        })
        .AddOrchestratorFunc<int, int>("SlowSequence5", async (ctx, ms) =>
        {
            var total = 0;
            for (var i = 0; i < 5; i++)
            {
                total += await ctx.CallActivityAsync<int>("Slow", ms);
            }

            return total;
        })
        .AddOrchestratorFunc<int, int>("Sequence", async (ctx, count) =>
        {
            for (var i = 0; i < count; i++)
            {
                await ctx.CallActivityAsync<string>("SayHello", "x");
            }

            return count;
        })
        .AddOrchestratorFunc<int, int>("FanOutFanIn", async (ctx, count) =>
        {
            var tasks = new Task<string>[count];
            for (var i = 0; i < count; i++)
            {
                tasks[i] = ctx.CallActivityAsync<string>("SayHello", "x");
            }

            await Task.WhenAll(tasks);
            return count;
        })
        .AddOrchestratorFunc<int, int>("EventSink", async (ctx, count) =>
        {
            for (var i = 0; i < count; i++)
            {
                await ctx.WaitForExternalEvent<int>("tick");
            }

            return count;
        })
        .AddOrchestratorFunc<string?, string>("Noop", (_, _) => Task.FromResult("ok"));
}
