using System.Globalization;
using Veil.Chaos.Runs;

namespace Veil.Chaos;

/// <summary>
/// <c>chaos [--extended] [--boots N] [--tenants N] [--interval SECONDS] [--seed N] [--runs N] [--cpu-hog]</c>: the
/// chaos run (<c>--runs</c> times, seeds counting up from <c>--seed</c>; <c>--cpu-hog</c>: while another process keeps
/// one core busy); exit 1 when an invariant is violated in any run. <c>load [--levels 1,2,4,8,16] [--boots-per-tenant N]</c>: the load run.
/// </summary>
public static class ChaosProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        switch (args.FirstOrDefault())
        {
            case "chaos":
                var defaults = args.Contains("--extended") ? ChaosOptions.Extended : ChaosOptions.Bounded;
                var options = new ChaosOptions(
                    Number("--boots", defaults.Boots),
                    Number("--tenants", defaults.Tenants),
                    Option("--interval") is { } seconds ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) : defaults.FaultInterval,
                    Number("--seed", defaults.Seed));
                var runs = Number("--runs", 1);
                using (var hog = args.Contains("--cpu-hog") ? CpuHog.Start() : null)
                {
                    var held = 0;
                    for (var run = 0; run < runs; run++)
                    {
                        var seeded = options with { Seed = options.Seed + run };
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos run {run + 1} of {runs} (seed {seeded.Seed}{(hog is null ? "" : ", one core kept busy by another process")})"));
                        var report = await ChaosRun.RunAsync(seeded, Console.Out);
                        Console.WriteLine(report.Print());
                        held += report.Holds ? 1 : 0;
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: every invariant held in {held} of {runs} runs"));
                    return held == runs ? 0 : 1;
                }
            case "load":
                var levels = (Option("--levels") ?? "1,2,4,8,16,32,64,128").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
                Console.WriteLine(LoadRun.Header);
                var rows = await LoadRun.RunAsync(levels, Number("--boots-per-tenant", 6), Console.Out);
                Console.WriteLine(LoadRun.Saturation(rows));
                return 0;
            default:
                Console.Error.WriteLine("usage: Veil.Chaos chaos [--extended] [--boots N] [--tenants N] [--interval S] [--seed N] [--runs N] [--cpu-hog] | load [--levels 1,2,4] [--boots-per-tenant N]");
                return 2;
        }
    }
}
