using System.Diagnostics;
using System.Globalization;
using System.Text;
using Veil.Chaos.Processes;

namespace Veil.Chaos.Runs;

/// <summary>One concurrency level of a load run.</summary>
public sealed record LoadLevel(int Tenants, int Boots, TimeSpan Elapsed, double BootsPerSecond, TimeSpan BootP50, TimeSpan BootP95, TimeSpan BootP99, TimeSpan DeleteP50, TimeSpan DeleteP95, int Errors);

/// <summary>
/// Concurrent tenants each launching a server, following it to ACTIVE and deleting it, at growing concurrency, on
/// the same separate-process stack as the chaos run but without faults: throughput, latency percentiles, and the
/// level where adding tenants stops adding throughput (saturation).
/// </summary>
public static class LoadRun
{
    public static async Task<IReadOnlyList<LoadLevel>> RunAsync(IReadOnlyList<int> levels, int bootsPerTenant, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(progress);
        await using var stack = new VeilProcesses();
        await stack.StartAsync();
        using var admin = new VeilClient(stack.ApiPorts, await stack.TokenAsync("admin", "ops", "admin"));
        await Catalog.SeedAsync(admin, cancellationToken);
        var tenants = new List<VeilClient>();
        for (var t = 0; t < levels.Max(); t++)
        {
            tenants.Add(new VeilClient(stack.ApiPorts, await stack.TokenAsync($"load-{t}", $"load-{t}", "tenant")));
        }

        // Warm-up: JIT in every process, table creation, partition leases settled between the two API processes.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            new BootDriver(tenants[i % tenants.Count], Catalog.Image).RunAsync($"warm-up-{i}", Catalog.Flavors[i % Catalog.Flavors.Length], DeleteWhen.AfterBoot, cancellationToken)));
        var results = new List<LoadLevel>();
        foreach (var level in levels)
        {
            var clock = Stopwatch.StartNew();
            var boots = await Task.WhenAll(tenants.Take(level).Select(async (tenant, t) =>
            {
                var driver = new BootDriver(tenant, Catalog.Image);
                var mine = new List<BootResult>();
                for (var i = 0; i < bootsPerTenant; i++)
                {
                    mine.Add(await driver.RunAsync($"load-{level}-{t}-{i}", Catalog.Flavors[(t + i) % Catalog.Flavors.Length], DeleteWhen.AfterBoot, cancellationToken));
                }

                return mine;
            }));
            var all = boots.SelectMany(b => b).ToList();
            var elapsed = clock.Elapsed;
            var row = new LoadLevel(level, all.Count, elapsed, all.Count / elapsed.TotalSeconds,
                Percentile(all.Select(b => b.BootTime), 50), Percentile(all.Select(b => b.BootTime), 95), Percentile(all.Select(b => b.BootTime), 99),
                Percentile(all.Select(b => b.DeleteTime ?? TimeSpan.Zero), 50), Percentile(all.Select(b => b.DeleteTime ?? TimeSpan.Zero), 95),
                all.Count(b => b.Status != "deleted"));
            results.Add(row);
            progress.WriteLine(Format(row));
        }

        foreach (var tenant in tenants)
        {
            tenant.Dispose();
        }

        return results;
    }

    public static string Header => "tenants  boots  elapsed  boot+delete/s  boot p50/p95/p99 (ms)  delete p50/p95 (ms)  not deleted";

    public static string Format(LoadLevel l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.Tenants,7}  {l.Boots,5}  {l.Elapsed.TotalSeconds,6:F1}s  {l.BootsPerSecond,13:F1}  {l.BootP50.TotalMilliseconds,6:F0}/{l.BootP95.TotalMilliseconds:F0}/{l.BootP99.TotalMilliseconds:F0}  {l.DeleteP50.TotalMilliseconds,12:F0}/{l.DeleteP95.TotalMilliseconds:F0}  {l.Errors,11}");

    /// <summary>The first level whose throughput is under 10 % above the previous one's: adding tenants only adds waiting.</summary>
    public static string Saturation(IReadOnlyList<LoadLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        for (var i = 1; i < levels.Count; i++)
        {
            if (levels[i].BootsPerSecond < levels[i - 1].BootsPerSecond * 1.10)
            {
                return string.Create(CultureInfo.InvariantCulture, $"saturates at about {levels[i - 1].Tenants} concurrent tenants ({levels[i - 1].BootsPerSecond:F1} boot+delete cycles/s); at {levels[i].Tenants} throughput is {levels[i].BootsPerSecond:F1}/s and boot p95 {levels[i].BootP95.TotalMilliseconds:F0} ms");
            }
        }

        return $"did not saturate up to {levels[^1].Tenants} tenants";
    }

    private static TimeSpan Percentile(IEnumerable<TimeSpan> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }
}
