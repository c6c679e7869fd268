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
using Veil.Storage;
using Veil.TaskHub.Load;
using Veil.Testing;

namespace Veil.Orchestrations.Load;

/// <summary>The boot benchmark (not top-level code: the Orchestrations host already owns the name Program).</summary>
internal static class BootBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        // Boot benchmark: Azurite (started for this process), Orchestrations and three simulated HostWorkers in-process.
        var quick = args.Contains("--quick");
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

        Console.WriteLine();
        var profiles = new List<(string, IReadOnlyList<(string, string)>)>();
        foreach (var (name, settings) in BenchProfiles.FromArguments(args))
        {
            await BenchStorage.WipeAsync(Azurite.Shared.ConnectionString);
            profiles.Add((name, await ProfileAsync(settings, quick)));
        }

        BenchProfiles.Print("Boots through the real stack (Orchestrations + three simulated HostWorkers in one process)", profiles);
        return 0;
    }

    private static async Task<List<(string, string)>> ProfileAsync(IReadOnlyDictionary<string, string?> profile, bool quick)
    {
        var results = new List<(string, string)>();
        var veil = new LocalVeil { Overrides = profile };
        await veil.InitializeAsync();
        try
        {
            var project = "bench-" + Guid.NewGuid().ToString("N")[..6];

            // Warm up (hub created, JIT done), then the idle cost of the stack: heartbeats and every poller.
            await BootAsync(veil, project, [GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = "warm" }], 1);
            var idle = StorageRequests.Snapshot();
            var idleClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(quick ? 3 : 10));
            var idleRate = Total(idle, StorageRequests.Snapshot()) / idleClock.Elapsed.TotalSeconds;

            // One at a time, SEV and SNP alternating: latency, and what one boot costs the storage beyond idling.
            var single = Enumerable.Range(0, quick ? 10 : 40).Select(i => GuestSpecBuilder.Encrypted(i % 2 == 0 ? "amd-sev-snp" : "amd-sev") with { ServerId = Guid.NewGuid(), Name = $"one-{i}" }).ToList();
            var before = StorageRequests.Snapshot();
            var kinds = StorageRequests.Operations();
            var watched = Interlocked.Read(ref watchQueries);
            var clock = Stopwatch.StartNew();
            var latencies = await BootAsync(veil, project, single, 1);
            watched = Interlocked.Read(ref watchQueries) - watched;
            var requests = (Total(before, StorageRequests.Snapshot()) - watched - idleRate * clock.Elapsed.TotalSeconds) / single.Count;
            var byKind = StorageRequests.Operations()
                .Select(k => (k.Key, PerBoot: (k.Value - kinds.GetValueOrDefault(k.Key) - (k.Key == "table GET entity" ? watched : 0)) / (double)single.Count))
                .Where(k => k.PerBoot >= 1)
                .OrderByDescending(k => k.PerBoot)
                .Select(k => $"{k.Key} {k.PerBoot:F0}");
            results.Add(("boot submit → ACTIVE p50 / p95, one at a time", $"{P(latencies, 50):F0} / {P(latencies, 95):F0} ms"));
            results.Add(("storage requests per boot (beyond idle polling)", $"{requests:F0}"));
            results.Add(("… by kind, idle polling included", string.Join(", ", byKind)));
            results.Add(("storage requests/s while idle (all pollers and heartbeats)", $"{idleRate:F0}"));

            // Twenty in flight: throughput, and latency under that load.
            var crowd = Enumerable.Range(0, quick ? 60 : 300).Select(i => GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = $"tp-{i}" }).ToList();
            clock.Restart();
            var loaded = await BootAsync(veil, project, crowd, 20);
            results.Add(("boots/s, 20 in flight", $"{crowd.Count / clock.Elapsed.TotalSeconds:F1} ({crowd.Count} SEV boots in {clock.Elapsed.TotalSeconds:F0} s)"));
            results.Add(("boot submit → ACTIVE p50 / p95, 20 in flight", $"{P(loaded, 50):F0} / {P(loaded, 95):F0} ms"));
        }
        finally
        {
            await veil.DisposeAsync();
        }

        return results;
    }

    /// <summary>
    /// Boots the guests, at most <paramref name="inFlight"/> at a time, and returns each one's submit → ACTIVE in ms:
    /// from the server's creation to the write that made it ACTIVE, both stamped by Veil. One query for the project's
    /// servers still in BUILD (10 ms apart one at a time, 50 ms apart otherwise) tells which have settled, then each
    /// settled one is read once, so watching loads the storage little (listing the whole project did, and capped the
    /// figures).
    /// </summary>
    private static async Task<List<double>> BootAsync(LocalVeil veil, string project, List<Veil.Shared.Guests.GuestSpec> guests, int inFlight)
    {
        var waiting = new Queue<Veil.Shared.Guests.GuestSpec>(guests);
        var running = new HashSet<Guid>();
        var latencies = new List<double>();
        while (waiting.Count > 0 || running.Count > 0)
        {
            while (running.Count < inFlight && waiting.TryDequeue(out var guest))
            {
                await veil.Servers.CreateAsync(project, guest);
                running.Add(guest.ServerId);
            }

            await Task.Delay(inFlight == 1 ? 10 : 50);
            Interlocked.Increment(ref watchQueries);
            var building = (await veil.Store.ListAsync(project, ServerStatus.Build)).Select(s => s.ServerId).ToHashSet();
            foreach (var id in running.Where(id => !building.Contains(id)).ToList())
            {
                Interlocked.Increment(ref watchQueries);
                var server = (await veil.Store.GetAsync(project, id))!;
                if (server.Status != ServerStatus.Active)
                {
                    throw new InvalidOperationException($"boot of {server.Name} ended {server.Status}: {server.Fault}");
                }

                running.Remove(server.ServerId);
                latencies.Add((server.UpdatedAt - server.CreatedAt).TotalMilliseconds);
            }
        }

        return latencies;
    }

    /// <summary>The benchmark's own listings of the project, taken out of the storage counts.</summary>
    private static long watchQueries;

    private static double Total((long Queue, long Table, long Blob) from, (long Queue, long Table, long Blob) to) =>
        to.Queue - from.Queue + to.Table - from.Table + to.Blob - from.Blob;

    private static double P(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
