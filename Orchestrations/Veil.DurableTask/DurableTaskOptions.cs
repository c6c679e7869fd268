using System.Text.RegularExpressions;

namespace Veil.DurableTask;

/// <summary>The engine's settings, bound from the <c>DurableTask</c> section. Validated at start-up.</summary>
public sealed partial class DurableTaskOptions
{
    public const string Section = "DurableTask";

    /// <summary>Names every queue, table and container of this hub (letters and digits, 3-40, starting with a letter). Default <c>veil</c>.</summary>
    public string TaskHubName { get; set; } = "veil";

    /// <summary>Control-queue partitions (1-16): the most workers that can share orchestrations. Default 4. Fixed for the life of a hub.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Orchestration episodes run at once per worker (1-1000). Default 100.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 100;

    /// <summary>Activities run at once per worker (1-1000). Default 100.</summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>Idle polling backs off from 10 ms to this cap (10 ms - 30 s). Default 1 s.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Partition lease length (15-60 s, Azure's limits): a dead worker's partitions move within this. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a received control or work-item message stays hidden before it is delivered again (5 s - 10 min). Default 60 s.</summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries of one message before it is parked as poison (1-100). Default 5.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Instances whose history a worker keeps in memory between episodes (0-1,000,000). Default 10,000.</summary>
    public int MaxCachedInstances { get; set; } = 10_000;

    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!HubName().IsMatch(TaskHubName))
        {
            problems.Add($"DurableTask:TaskHubName '{TaskHubName}' must be 3-40 letters or digits, starting with a letter.");
        }

        void Range(string name, double value, double min, double max)
        {
            if (value < min || value > max)
            {
                problems.Add($"DurableTask:{name} {value} must be between {min} and {max}.");
            }
        }

        Range(nameof(PartitionCount), PartitionCount, 1, 16);
        Range(nameof(MaxConcurrentOrchestrations), MaxConcurrentOrchestrations, 1, 1000);
        Range(nameof(MaxConcurrentActivities), MaxConcurrentActivities, 1, 1000);
        Range(nameof(MaxPollingInterval) + " (ms)", MaxPollingInterval.TotalMilliseconds, 10, 30_000);
        Range(nameof(LeaseDuration) + " (s)", LeaseDuration.TotalSeconds, 15, 60);
        Range(nameof(MessageVisibilityTimeout) + " (s)", MessageVisibilityTimeout.TotalSeconds, 5, 600);
        Range(nameof(MaxDequeueCount), MaxDequeueCount, 1, 100);
        Range(nameof(MaxCachedInstances), MaxCachedInstances, 0, 1_000_000);
        return problems;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex HubName();
}
