using System.Globalization;
using Veil.Chaos.Runs;

namespace Veil.Chaos;

/// <summary>
/// <c>chaos [--extended] [--boots N] [--tenants N] [--interval SECONDS] [--seed N]</c>: the chaos run; exit 1 when an
/// invariant is violated. <c>load [--levels 1,2,4,8,16] [--boots-per-tenant N]</c>: the load run.
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
                var report = await ChaosRun.RunAsync(options, Console.Out);
                Console.WriteLine(report.Print());
                return report.Holds ? 0 : 1;
            case "load":
                var levels = (Option("--levels") ?? "1,2,4,8,16,32,64,128").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
                Console.WriteLine(LoadRun.Header);
                var rows = await LoadRun.RunAsync(levels, Number("--boots-per-tenant", 6), Console.Out);
                Console.WriteLine(LoadRun.Saturation(rows));
                return 0;
            default:
                Console.Error.WriteLine("usage: Veil.Chaos chaos [--extended] [--boots N] [--tenants N] [--interval S] [--seed N] | load [--levels 1,2,4] [--boots-per-tenant N]");
                return 2;
        }
    }
}
