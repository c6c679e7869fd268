using System.Globalization;

namespace Veil.TaskHub.Load;

/// <summary>
/// The two task-hub configurations every benchmark compares, as configuration overrides, and the side-by-side
/// table they are printed in.
/// </summary>
public static class BenchProfiles
{
    /// <summary>Veil's <see cref="TaskHubOptions"/> set to what DurableTask.AzureStorage 2.11.2 does when left alone.</summary>
    public static IReadOnlyDictionary<string, string?> FrameworkDefaults { get; } = new Dictionary<string, string?>
    {
        ["DurableTask:PartitionCount"] = "4",
        ["DurableTask:MaxQueuePollingInterval"] = "00:00:30",
        ["DurableTask:MaxConcurrentOrchestrations"] = "100",
        ["DurableTask:MaxConcurrentActivities"] = "10",
        ["DurableTask:ExtendedSessions"] = "false",
        ["DurableTask:PartitionLeaseInterval"] = "00:00:30",
        ["DurableTask:MessageVisibilityTimeout"] = "00:05:00",
    };

    /// <summary>Veil's defaults, stated explicitly so they win over a test fixture's own shortcuts.</summary>
    public static IReadOnlyDictionary<string, string?> VeilSettings { get; } = Explicit(new TaskHubOptions());

    /// <summary>Both profiles, in the order the tables show them.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyDictionary<string, string?> Settings)> All { get; } =
        [("DTFx defaults", FrameworkDefaults), ("Veil's settings", VeilSettings)];

    /// <summary>
    /// The profiles to run: both, plus — for tuning — one made of Veil's settings with the changes given as
    /// <c>--try DurableTask:PartitionCount=2,DurableTask:ExtendedSessions=false</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, IReadOnlyDictionary<string, string?> Settings)> FromArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = args.ToList().IndexOf("--try");
        if (at < 0 || at + 1 >= args.Count)
        {
            return All;
        }

        var tried = new Dictionary<string, string?>(VeilSettings);
        foreach (var pair in args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"--try takes key=value pairs, not '{pair}'.");
            tried[key] = value;
        }

        return [.. All, ($"tried: {args[at + 1]}", tried)];
    }

    /// <summary>A markdown table: one row per measure, one column per profile.</summary>
    public static void Print(string title, IReadOnlyList<(string Profile, IReadOnlyList<(string Measure, string Value)> Results)> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        Console.WriteLine($"## {title}");
        Console.WriteLine($"| measure | {string.Join(" | ", profiles.Select(p => p.Profile))} |");
        Console.WriteLine($"|---|{string.Concat(profiles.Select(_ => "---|"))}");
        for (var i = 0; i < profiles[0].Results.Count; i++)
        {
            Console.WriteLine($"| {profiles[0].Results[i].Measure} | {string.Join(" | ", profiles.Select(p => p.Results[i].Value))} |");
        }

        Console.WriteLine();
    }

    private static Dictionary<string, string?> Explicit(TaskHubOptions o) => new()
    {
        ["DurableTask:PartitionCount"] = o.PartitionCount.ToString(CultureInfo.InvariantCulture),
        ["DurableTask:MaxQueuePollingInterval"] = o.MaxQueuePollingInterval.ToString("c", CultureInfo.InvariantCulture),
        ["DurableTask:MaxConcurrentOrchestrations"] = o.MaxConcurrentOrchestrations.ToString(CultureInfo.InvariantCulture),
        ["DurableTask:MaxConcurrentActivities"] = o.MaxConcurrentActivities.ToString(CultureInfo.InvariantCulture),
        ["DurableTask:ExtendedSessions"] = o.ExtendedSessions ? "true" : "false",
        ["DurableTask:PartitionLeaseInterval"] = o.PartitionLeaseInterval.ToString("c", CultureInfo.InvariantCulture),
        ["DurableTask:MessageVisibilityTimeout"] = o.MessageVisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
    };
}
