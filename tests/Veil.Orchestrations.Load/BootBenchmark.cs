using System.Diagnostics;
using System.Globalization;
using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.Orchestrations.IntegrationTests;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;
using Veil.Testing;

namespace Veil.Orchestrations.Load;

/// <summary>The boot benchmark (not top-level code: the Orchestrations host already owns the name Program).</summary>
internal static class BootBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        // Boot benchmark: Azurite (started for this process), Orchestrations and three simulated HostWorkers in-process.
        var quick = args.Contains("--quick");
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"# Veil boot benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(quick ? ", quick" : "")}");
        Console.WriteLine();

        // Placement over 10,000 hosts, from the three recorded fixtures.
        using (var libvirt = LibvirtConnection.Open("test:///default"))
        {
            var fixtures = new[] { "genoa-snp", "rome-sev", "intel-none" }.Select(f =>
                HostCapabilityRules.Evaluate(new HostProbe(libvirt, HostProbeOptions.ForFixture(f, RepoPaths.HostFixture(f))).Read())).ToArray();
            var now = DateTimeOffset.UtcNow;
            var hosts = Enumerable.Range(0, 10_000).Select(i =>
            {
                var capabilities = fixtures[i % 3] with { HostName = $"h{i:D5}" };
                var report = new HostReport($"h{i:D5}", HostStatus.Ready, capabilities, new HostVersions(null, null, null), "test:///", true, now, now);
                return new PlacementHost(report, now, new Dictionary<string, int>());
            }).ToList();
            var request = MemoryEncryptionResolver.Resolve(
                new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" },
                new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" },
                null);
            var times = new List<double>();
            for (var i = 0; i < (quick ? 10 : 40); i++)
            {
                var clock = Stopwatch.StartNew();
                HostPlacement.Select(request, hosts, now, TimeSpan.FromSeconds(60));
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"| placement decision over 10,000 hosts (SNP request, explanation for every host) p50 / p95 | {P(times, 50):F1} / {P(times, 95):F1} ms | goal < 50 ms |");
        }

        var veil = new LocalVeil();
        await veil.InitializeAsync();
        try
        {
            // Latency: one boot at a time, submit → ACTIVE as the tenant's record shows it (watched every 20 ms).
            var latencies = new List<double>();
            for (var i = 0; i < (quick ? 10 : 40); i++)
            {
                var guest = GuestSpecBuilder.Encrypted(i % 2 == 0 ? "amd-sev-snp" : "amd-sev") with { ServerId = Guid.NewGuid(), Name = $"lat-{i}" };
                var clock = Stopwatch.StartNew();
                await veil.Servers.CreateAsync("bench", guest);
                while ((await veil.Store.GetAsync("bench", guest.ServerId))?.Status != ServerStatus.Active)
                {
                    await Task.Delay(20);
                }

                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"| boot submit → ACTIVE p50 / p95 (one at a time, SEV and SNP alternating) | {P(latencies, 50):F0} / {P(latencies, 95):F0} ms | goal p95 < 1 s |");

            // Throughput: many boots at once.
            var count = quick ? 100 : 300;
            var crowd = Enumerable.Range(0, count).Select(i => GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = $"tp-{i}" }).ToList();
            var total = Stopwatch.StartNew();
            await Parallel.ForEachAsync(crowd, new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (g, ct) => await veil.Servers.CreateAsync("bench", g, ct));
            foreach (var g in crowd)
            {
                await veil.SettledAsync("bench", g.ServerId, TimeSpan.FromMinutes(5));
            }

            Console.WriteLine($"| boots/s ({count} SEV boots submitted 20 at a time, until all ACTIVE) | {(count / total.Elapsed.TotalSeconds).ToString("F1", inv)} | |");
        }
        finally
        {
            await veil.DisposeAsync();
        }

        return 0;
    }

    private static double P(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
