using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Veil.Chaos.Processes;
using Veil.Storage;

namespace Veil.Chaos.Runs;

/// <summary>How big a chaos run is. <see cref="Bounded"/> is what CI runs.</summary>
public sealed record ChaosOptions(int Boots, int Tenants, TimeSpan FaultInterval, int Seed)
{
    public static ChaosOptions Bounded { get; } = new(60, 6, TimeSpan.FromSeconds(6), 1);

    public static ChaosOptions Extended { get; } = new(400, 12, TimeSpan.FromSeconds(8), 2);
}

/// <summary>What a chaos run did and found.</summary>
public sealed record ChaosReport(IReadOnlyList<Invariant> Invariants, IReadOnlyList<string> Faults, IReadOnlyList<BootResult> Boots, int Retries, IReadOnlyList<string> ServerErrors, TimeSpan Elapsed)
{
    /// <summary>When an invariant failed: what the logs said of the servers it named (<see cref="Runs.Evidence"/>).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    public bool Holds => Invariants.All(i => i.Holds);

    public string Print()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos: {Boots.Count} boots by tenants, {Boots.Count(b => b.DeleteTime is not null)} deleted after booting, {Faults.Count} processes killed with SIGKILL, {Elapsed.TotalSeconds:F0} s");
        foreach (var fault in Faults)
        {
            text.AppendLine("  " + fault);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"tenants saw: {string.Join(", ", Boots.GroupBy(b => b.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key.ToUpperInvariant()}"))}; {Retries} retried calls; {ServerErrors.Count} 5xx answers");
        foreach (var fault in Boots.Where(b => b.Status == "error").GroupBy(b => b.Fault).Take(5))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ERROR x{fault.Count()}: {fault.Key}");
        }

        foreach (var error in ServerErrors.Take(5))
        {
            text.AppendLine("  5xx: " + error);
        }

        text.AppendLine("invariants:");
        foreach (var invariant in Invariants)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  [{(invariant.Holds ? "ok" : "FAILED")}] {invariant.Promise}: {invariant.Finding}");
        }

        if (Evidence.Count > 0)
        {
            text.AppendLine("what the logs said of the servers named above:");
            foreach (var line in Evidence)
            {
                text.AppendLine("  " + line);
            }
        }

        text.AppendLine(Holds ? "chaos: every invariant holds" : "chaos: INVARIANTS VIOLATED");
        return text.ToString();
    }
}

/// <summary>
/// Tenants boot and delete servers through the API while processes are killed with SIGKILL and restarted in turn —
/// an Orchestrations process, a HostWorker, Azurite, the Portal — and poison is slipped into the queues. Then the
/// faults stop, Veil settles, and <see cref="Invariants"/> are checked.
/// </summary>
public static class ChaosRun
{
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = Stopwatch.StartNew();
        await using var stack = new VeilProcesses();
        await stack.StartAsync();
        progress.WriteLine($"chaos: stack up in {clock.Elapsed.TotalSeconds:F0} s (logs in {stack.LogFolder}; VEIL_CHAOS_KEEP=1 keeps them)");
        using var admin = new VeilClient(stack.ApiPorts, await stack.TokenAsync("admin", "ops", "admin"));
        await Catalog.SeedAsync(admin, cancellationToken);
        var tenants = new List<VeilClient>();
        for (var t = 0; t < options.Tenants; t++)
        {
            tenants.Add(new VeilClient(stack.ApiPorts, await stack.TokenAsync($"tenant-{t}", $"chaos-{t}", "tenant")));
        }

        var storage = new StorageAccount(stack.ConnectionString);
        var poison = new ConcurrentBag<string>();
        await InjectPoisonAsync(storage, poison);

        var random = new Random(options.Seed);
        var work = new ConcurrentQueue<(string Name, string Flavor, DeleteWhen Delete)>(Enumerable.Range(0, options.Boots).Select(i =>
        {
            var roll = random.NextDouble();
            return ($"chaos-{i}", Catalog.Flavors[i % Catalog.Flavors.Length], roll < 0.15 ? DeleteWhen.WhileBuilding : roll < 0.6 ? DeleteWhen.AfterBoot : DeleteWhen.Never);
        }));
        var results = new ConcurrentBag<BootResult>();
        var faults = new List<string>();
        using var loadDone = new CancellationTokenSource();
        var faulting = FaultsAsync(stack, new Random(options.Seed + 1), options.FaultInterval, faults, clock, progress, loadDone.Token);
        await Task.WhenAll(tenants.Select(async tenant =>
        {
            var driver = new BootDriver(tenant, Catalog.Image);
            while (work.TryDequeue(out var boot))
            {
                results.Add(await driver.RunAsync(boot.Name, boot.Flavor, boot.Delete, cancellationToken));
                if (results.Count == options.Boots / 2)
                {
                    await InjectPoisonAsync(storage, poison);
                }
            }
        }));
        await loadDone.CancelAsync();
        await faulting;
        progress.WriteLine($"chaos: load done at {clock.Elapsed.TotalSeconds:F0} s; settling");

        var invariants = new Invariants(admin, storage, VeilProcesses.HostNames);
        var found = await SettleAndCheckAsync(admin, invariants, options.Boots, [.. poison], stack, cancellationToken);
        var report = new ChaosReport(found, faults, [.. results], tenants.Sum(t => t.Retries) + admin.Retries, [.. tenants.SelectMany(t => t.ServerErrors)], clock.Elapsed)
        {
            Evidence = Evidence.For(found, stack.LogFolder),
        };
        foreach (var tenant in tenants)
        {
            tenant.Dispose();
        }

        return report;
    }

    /// <summary>Kills one process after another (each kind in turn) until the load is done and each kind was hit once.</summary>
    private static async Task FaultsAsync(VeilProcesses stack, Random random, TimeSpan interval, List<string> faults, Stopwatch clock, TextWriter progress, CancellationToken loadDone)
    {
        ManagedProcess[] turns = [stack.Orchestrations[0], stack.HostWorkers[0], stack.Azurite, stack.Portal, stack.Orchestrations[1], stack.HostWorkers[1], stack.HostWorkers[2]];
        for (var i = 0; !loadDone.IsCancellationRequested || i < 4; i++)
        {
            await Task.Delay(interval * (0.5 + random.NextDouble()), CancellationToken.None);
            var victim = turns[i % turns.Length];
            var down = TimeSpan.FromMilliseconds(random.Next(500, 3000));
            var line = $"{clock.Elapsed.TotalSeconds,5:F0} s  SIGKILL {victim.Name}, restarted after {down.TotalSeconds:F1} s" + (victim == stack.Azurite ? " (connections cut 6 s before, for Azurite's save)" : "");
            faults.Add(line);
            progress.WriteLine("chaos: " + line.Trim());
            try
            {
                await stack.CrashAsync(victim, down);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failure of the fault injector is the run's problem, not Veil's: say so and stop injecting.
                faults.Add($"fault injection failed: {e.GetType().Name}: {e.Message}");
                progress.WriteLine("chaos: " + faults[^1]);
                throw;
            }
        }
    }

    /// <summary>Waits for every server to settle and the hosts to report afresh, then checks until the invariants hold (or 2 minutes pass).</summary>
    private static async Task<IReadOnlyList<Invariant>> SettleAndCheckAsync(VeilClient admin, Invariants invariants, int requested, IReadOnlyCollection<string> poison, VeilProcesses stack, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (DateTime.UtcNow < deadline && (await admin.GetAsync("/api/servers", cancellationToken))!.Value.EnumerateArray()
            .Any(s => s.GetProperty("status").GetString() is "build" or "deleting"))
        {
            await Task.Delay(1000, cancellationToken);
        }

        var checkUntil = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            await invariants.DomainsAsync(cancellationToken, DateTimeOffset.UtcNow);
            try
            {
                await admin.GetAsync("/api/reconciliation?now=true", cancellationToken);
            }
            catch (InvalidOperationException e) when (e.Message.Contains(": 409 ", StringComparison.Ordinal))
            {
                // The other Orchestrations process is reconciling: its round serves as well.
            }

            var found = await invariants.CheckAsync(requested, poison, [.. stack.All.SelectMany(p => p.UnexpectedExits)], cancellationToken);
            if (found.All(i => i.Holds) || DateTime.UtcNow > checkUntil)
            {
                return found;
            }

            await Task.Delay(5000, cancellationToken);
        }
    }

    /// <summary>Messages no worker can handle, each carrying a marker so the end can tell them from anything Veil parked itself.</summary>
    private static async Task InjectPoisonAsync(StorageAccount storage, ConcurrentBag<string> markers)
    {
        // Storage may be down for a chaos fault right now: keep trying, as any client would.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendPoisonAsync(storage, markers);
                return;
            }
            catch (Exception e) when (attempt < 30 && e is Azure.RequestFailedException or AggregateException or HttpRequestException)
            {
                await Task.Delay(1000);
            }
        }
    }

    private static async Task SendPoisonAsync(StorageAccount storage, ConcurrentBag<string> markers)
    {
        string Marker()
        {
            var marker = $"chaos-poison-{Guid.NewGuid():N}";
            markers.Add(marker);
            return marker;
        }

        var events = await storage.QueueAsync(Veil.Shared.Contracts.HostQueues.Events);
        await events.SendMessageAsync($"{{\"commandId\": \"{Marker()}\"");
        await events.SendMessageAsync($"{{\"commandId\":\"{Guid.NewGuid()}\",\"hostName\":\"genoa-snp\",\"outcome\":\"exploded\",\"note\":\"{Marker()}\"}}");
        var commands = await storage.QueueAsync(Veil.Shared.Contracts.HostQueues.Commands("genoa-snp"));
        await commands.SendMessageAsync($"{{\"commandId\":\"{Guid.NewGuid()}\",\"kind\":\"self-destruct\",\"serverId\":\"{Guid.NewGuid()}\",\"correlationId\":\"{Marker()}\"}}");
        await commands.SendMessageAsync($"not json at all {Marker()}");
    }
}
