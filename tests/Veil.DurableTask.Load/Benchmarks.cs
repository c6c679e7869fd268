using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Storage;

namespace Veil.DurableTask.Load;

/// <summary>
/// `bench`: measures the storage's raw operation rates and the engine's throughput and latency in one run, on a fresh
/// task hub, with one worker and the client in this process (as Durable Functions' published figures are for one
/// host). Prints markdown for docs/benchmarks.md.
/// </summary>
internal static class Benchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var config = new ConfigurationBuilder().AddCommandLine(args.Where(a => a != "--quick").ToArray()).Build();
        var connection = config["Storage:ConnectionString"] ?? "UseDevelopmentStorage=true";
        var hubName = "bench" + DateTime.UtcNow.ToString("MMddHHmmss", Inv);
        Console.WriteLine($"# Veil durable engine benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, hub {hubName}, {Environment.ProcessorCount} cores{(quick ? ", quick" : "")}");
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
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["DurableTask:TaskHubName"] = hubName,
            ["DurableTask:PartitionCount"] = "4",
        });
        builder.Configuration.AddConfiguration(config);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(builder.Configuration, LoadOrchestrations.Register);
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await client.WaitForInstanceCompletionAsync(await client.ScheduleNewOrchestrationInstanceAsync("Noop"));

        // What each figure costs the storage, so it can be read as a share of what Azurite allowed in this run.
        var batchRate = raw.Single(r => r.Item1.StartsWith("table batch", StringComparison.Ordinal)).Item2;
        var putRate = raw.Single(r => r.Item1 == "queue put, 16 in flight").Item2;
        string Share(double used, double capacity, string what) => $"{used / capacity:P0} of {what}";

        var results = new List<(string Name, string Value, string Note, string Share)>();
        var latencies = await IdleToStart(client, quick ? 15 : 40);
        results.Add(("idle→start latency p50 / p95", $"{Percentile(latencies, 50):F0} / {Percentile(latencies, 95):F0} ms", $"{latencies.Count} starts, each after 400 ms idle", "—"));

        var count = quick ? 200 : 1000;
        var (orchPerSecond, seconds) = await Many(client, "HelloCities5", count);
        results.Add(("HelloCities5 history events/s", $"{orchPerSecond * 18:F0}", $"{count} orchestrations × 5 sequential activities in {seconds:F1} s; 18 history events each", Share(orchPerSecond * 6, batchRate, "table batches (6 per orchestration)")));
        results.Add(("HelloCities5 orchestrations/s · activities/s", $"{orchPerSecond:F0} · {orchPerSecond * 5:F0}", "", ""));

        var sequential = quick ? 100 : 300;
        var sequentialSeconds = await One(client, "Sequence", sequential);
        results.Add(("sequential activities/s (one orchestration)", $"{sequential / sequentialSeconds:F0}", $"{sequential} activities one after another", "one table batch per activity, one at a time"));

        var fan = quick ? 300 : 1000;
        var (fanOut, fanIn, fanInWindow) = await FanOut(client, fan);
        results.Add(("fan-out activities/s", $"{fanOut:F0}", $"{fan} parallel activities in one orchestration, scheduled to last result", $"{fan / 99 + 1} table batches for {fan} TaskScheduled"));
        results.Add(("fan-in responses/s", $"{fanIn:F0}", $"{fan} results: from the first one's arrival to the completion seen by the client, {fanInWindow:F0} ms", $"{fan / 99 + 1} table batches"));

        var events = quick ? 300 : 1000;
        var eventRate = await Events(client, events);
        results.Add(("external events/s into one instance", $"{eventRate:F0}", $"{events} events raised by the client, 16 at a time", Share(eventRate, putRate, "queue puts (1 per event)")));

        Console.WriteLine("## Engine (one worker + client in one process, 4 partitions)");
        Console.WriteLine("| measure | result | how | storage used |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, value, note, share) in results)
        {
            Console.WriteLine($"| {name} | {value} | {note} | {share} |");
        }

        await host.StopAsync();
        return 0;
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
            var scheduled = history.First(e => e.Type == EventType.ExecutionStarted).Timestamp;
            var started = history.First(e => e.Type == EventType.OrchestratorStarted).Timestamp;
            latencies.Add((started - scheduled).TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<(double PerSecond, double Seconds)> Many(DurableTaskClient client, string name, int count)
    {
        var prefix = $"{name}-{Guid.NewGuid():N}-";
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync(name, null, new StartOrchestrationOptions(prefix + i.ToString("D6", Inv)), ct));

        // One counting query every 200 ms rather than a poller per instance, so waiting does not load the storage.
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed] };
        while ((await client.CountInstancesAsync(query)).GetValueOrDefault(OrchestrationRuntimeStatus.Completed) < count)
        {
            await Task.Delay(200);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return (count / seconds, seconds);
    }

    private static async Task<double> One(DurableTaskClient client, string name, int input)
    {
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, input);
        await client.WaitForInstanceCompletionAsync(id);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double FanOut, double FanIn, double FanInMilliseconds)> FanOut(DurableTaskClient client, int count)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOutFanIn", count);

        // Watched closely (every 5 ms) so the wall-clock end includes writing the last results and the completion.
        while ((await client.GetInstanceAsync(id))?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            await Task.Delay(5);
        }

        var done = DateTime.UtcNow;
        var history = await client.GetOrchestrationHistoryAsync(id);
        var scheduled = history.First(e => e.Type == EventType.TaskScheduled).Timestamp;
        var results = history.Where(e => e.Type == EventType.TaskCompleted).Select(e => e.Timestamp).Order().ToList();
        var fanInSeconds = Math.Max(0.001, (done - results[0]).TotalSeconds);
        return (count / Math.Max(0.001, (results[^1] - scheduled).TotalSeconds), count / fanInSeconds, fanInSeconds * 1000);
    }

    private static async Task<double> Events(DurableTaskClient client, int count)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync("EventSink", count);
        await client.WaitForInstanceStartAsync(id);
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) => await client.RaiseEventAsync(id, "tick", i, ct));
        await client.WaitForInstanceCompletionAsync(id);
        return count / clock.Elapsed.TotalSeconds;
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
