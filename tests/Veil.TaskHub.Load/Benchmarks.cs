using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Storage;
using Veil.TaskHub.Client;

namespace Veil.TaskHub.Load;

/// <summary>
/// `bench`: Azurite's raw operation rates, then the Durable Task Framework's throughput and latency on a fresh task
/// hub per profile — DTFx's own defaults, then Veil's settings — with one worker and the client in this process (as
/// Durable Functions' published figures are for one host). Prints markdown for docs/benchmarks.md.
/// </summary>
internal static class Benchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var config = new ConfigurationBuilder().AddCommandLine(args.Where(a => a.StartsWith("--Storage:", StringComparison.Ordinal)).ToArray()).Build();
        var connection = config["Storage:ConnectionString"] ?? "UseDevelopmentStorage=true";
        Console.WriteLine($"# Durable Task Framework benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(quick ? ", quick" : "")}");
        Console.WriteLine();

        var raw = await StorageRates(new StorageAccount(connection), quick);
        Console.WriteLine("## Azurite's raw rates (this run)");
        Console.WriteLine("| operation | ops/s |");
        Console.WriteLine("|---|---|");
        foreach (var (name, rate) in raw)
        {
            Console.WriteLine($"| {name} | {rate:F0} |");
        }

        Console.WriteLine();
        var profiles = new List<(string, IReadOnlyList<(string, string)>)>();
        foreach (var (name, settings) in BenchProfiles.FromArguments(args))
        {
            await BenchStorage.WipeAsync(connection);
            profiles.Add((name, await ProfileAsync(connection, settings, quick)));
        }

        BenchProfiles.Print("DTFx over Azurite (one worker + client in one process)", profiles);
        return 0;
    }

    private static async Task<List<(string, string)>> ProfileAsync(string connection, IReadOnlyDictionary<string, string?> profile, bool quick)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["DurableTask:TaskHubName"] = "bench" + Guid.NewGuid().ToString("N")[..10],
        });
        builder.Configuration.AddInMemoryCollection(profile);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTaskHubWorker(builder.Configuration, LoadOrchestrations.Register);
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await client.WaitForInstanceCompletionAsync(await client.ScheduleNewOrchestrationInstanceAsync("Noop"));

        var results = new List<(string, string)>();
        var latencies = await IdleToStart(client, quick ? 8 : 20);
        results.Add(("idle→start latency p50 / p95 (each start after 400 ms idle)", $"{Percentile(latencies, 50):F0} / {Percentile(latencies, 95):F0} ms"));

        var count = quick ? 200 : 1000;
        var before = StorageRequests.Snapshot();
        var (perSecond, seconds, events) = await Many(client, "HelloCities5", count);
        var after = StorageRequests.Snapshot();
        var requests = (after.Queue - before.Queue + after.Table - before.Table + after.Blob - before.Blob) / (double)count;
        results.Add(("HelloCities5 history events/s", $"{perSecond * events:F0}"));
        results.Add(("HelloCities5 orchestrations/s (activities/s)", $"{perSecond:F1} ({perSecond * 5:F0}) — {count} in {seconds:F1} s, {events} history events each"));
        results.Add(("storage requests per HelloCities5 (client's included)", $"{requests:F0}"));

        var sequential = quick ? 50 : 200;
        var sequentialSeconds = await One(client, "Sequence", sequential);
        results.Add(("sequential activities/s (one orchestration)", $"{sequential / sequentialSeconds:F1}"));

        await host.StopAsync();
        return results;
    }

    private static async Task<List<double>> IdleToStart(DurableTaskClient client, int samples)
    {
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(400);
            var id = await client.ScheduleNewOrchestrationInstanceAsync("Noop");
            await client.WaitForInstanceCompletionAsync(id);
            var history = await client.GetOrchestrationHistoryAsync(id);
            var scheduled = history.OfType<ExecutionStartedEvent>().First().Timestamp;
            var started = history.OfType<OrchestratorStartedEvent>().First().Timestamp;
            latencies.Add((started - scheduled).TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<(double PerSecond, double Seconds, int Events)> Many(DurableTaskClient client, string name, int count)
    {
        var prefix = $"{name}-{Guid.NewGuid():N}-";
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync(name, null, new StartOrchestrationOptions(prefix + i.ToString("D6", Inv)), ct));

        // One counting query a second rather than a poller per instance, so waiting does not load the storage much.
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed] };
        while ((await client.CountInstancesAsync(query)).GetValueOrDefault(OrchestrationRuntimeStatus.Completed) < count)
        {
            await Task.Delay(1000);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var events = (await client.GetOrchestrationHistoryAsync(prefix + "000000")).Count;
        return (count / seconds, seconds, events);
    }

    private static async Task<double> One(DurableTaskClient client, string name, int input)
    {
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, input);
        await client.WaitForInstanceCompletionAsync(id);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<List<(string, double)>> StorageRates(StorageAccount storage, bool quick)
    {
        var seconds = quick ? 1.5 : 3;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var queue = await storage.QueueAsync("rawrate-" + suffix);
        var table = await storage.TableAsync("rawrate" + suffix);
        var rates = new List<(string, double)>
        {
            ("queue put, 1 at a time", await Rate(seconds, 1, _ => queue.SendMessageAsync("x"))),
            ("queue put, 16 in flight", await Rate(seconds, 16, _ => queue.SendMessageAsync("x"))),
            ("queue receive 32 + delete each, queue ~thousands deep (messages/s, 16 in flight)", await Rate(seconds, 16, async _ =>
            {
                var got = (await queue.ReceiveMessagesAsync(32)).Value;
                await Task.WhenAll(got.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt)));
                return got.Length;
            })),
            ("table insert, 16 in flight", await Rate(seconds, 16, i => table.AddEntityAsync(new TableEntity("p" + (i % 64), Guid.NewGuid().ToString())))),
            ("table batch of 10 inserts (batches/s, 16 in flight)", await Rate(seconds, 16, i =>
            {
                var pk = Guid.NewGuid().ToString();
                return table.SubmitTransactionAsync(Enumerable.Range(0, 10).Select(j => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, j.ToString(Inv)))));
            })),
            ("table point read, 16 in flight", await Rate(seconds, 16, i => table.GetEntityIfExistsAsync<TableEntity>("p1", "nope"))),
        };
        await queue.DeleteAsync();
        await table.DeleteAsync();
        return rates;
    }

    private static Task<double> Rate(double seconds, int inFlight, Func<long, Task> operation) =>
        Rate(seconds, inFlight, async i =>
        {
            await operation(i);
            return 1;
        });

    private static async Task<double> Rate(double seconds, int inFlight, Func<long, Task<int>> operation)
    {
        long done = 0;
        long next = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                Interlocked.Add(ref done, await operation(Interlocked.Increment(ref next)));
            }
        });
        await Task.WhenAll(workers);
        return done / clock.Elapsed.TotalSeconds;
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
