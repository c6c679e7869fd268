using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Veil.TaskHub.Load;

/// <summary>
/// The orchestrations the crash tests and benchmarks run: Durable Functions' benchmark shapes, and one shaped like
/// Veil's boot (three steps, then a host's answer raced with a timeout, then the outcome recorded).
/// </summary>
public static class LoadOrchestrations
{
    /// <summary>The event the boot-shaped orchestration waits for; its "spawn" step raises it, as a host would answer.</summary>
    public const string HostAnswer = "HostAnswer";

    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry
            .AddActivityFunc<string, string>("SayHello", async (_, city) =>
            {
                await Task.Yield();
                return $"Hello, {city}!";
            })
            .AddActivityFunc<int, int>("Step", async (_, ms) =>
            {
                await Task.Delay(ms);
                return ms;
            })
            .AddActivity("Spawn", sp => new Spawn(sp.GetRequiredService<DurableTaskClient>()))
            .AddOrchestratorFunc<string?, string[]>("HelloCities5", async (ctx, _) =>
            {
                var results = new string[5];
                string[] cities = ["Tokyo", "Seattle", "London", "Cairo", "Lima"];
                for (var i = 0; i < cities.Length; i++)
                {
                    results[i] = await ctx.CallActivityAsync<string>("SayHello", cities[i]);
                }

                return results;
            })
            .AddOrchestratorFunc<int, int>("Sequence", async (ctx, count) =>
            {
                for (var i = 0; i < count; i++)
                {
                    await ctx.CallActivityAsync<string>("SayHello", "x");
                }

                return count;
            })
            .AddOrchestratorFunc<int, int>("BootShaped", async (ctx, ms) =>
            {
                var total = await ctx.CallActivityAsync<int>("Step", ms);
                total += await ctx.CallActivityAsync<int>("Step", ms);
                total += await ctx.CallActivityAsync<int>("Spawn", ms);
                try
                {
                    total += await ctx.WaitForExternalEvent<int>(HostAnswer, TimeSpan.FromMinutes(3));
                }
                catch (TaskCanceledException)
                {
                    return -1;
                }

                return total + await ctx.CallActivityAsync<int>("Step", ms);
            })
            .AddOrchestratorFunc<string?, string>("Noop", (_, _) => Task.FromResult("ok"));
    }

    /// <summary>Asks "the host" to spawn: here, answers at once by raising the event on the orchestration.</summary>
    private sealed class Spawn(DurableTaskClient client) : TaskActivity<int, int>
    {
        public override async Task<int> RunAsync(TaskActivityContext context, int input)
        {
            await Task.Delay(input);
            await client.RaiseEventAsync(context.InstanceId, HostAnswer, input);
            return input;
        }
    }
}
