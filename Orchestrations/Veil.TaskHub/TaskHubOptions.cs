using System.Text.RegularExpressions;
using Veil.Hosting;

namespace Veil.TaskHub;

/// <summary>
/// How this process joins the task hub, bound from the <c>DurableTask</c> section and validated at start-up. Each
/// setting maps to one of DurableTask.AzureStorage's settings; the defaults here are Veil's, chosen by
/// <c>./veil bench</c> (docs/benchmarks.md compares them with the framework's own).
/// </summary>
public sealed partial class TaskHubOptions : ICheckedOptions
{
    public const string Section = "DurableTask";

    /// <summary>
    /// Names every queue, table and container of the hub (<c>{hub}-control-NN</c>, <c>{hub}History</c>, …): 3-45
    /// letters or digits, starting with a letter. Every process that shares the hub must use the same. Default <c>veil</c>.
    /// </summary>
    public string TaskHubName { get; set; } = "veil";

    /// <summary>
    /// Control-queue partitions (1-16): the most processes that can share orchestration work. Fixed when the hub is
    /// first created; DTFx keeps it in the hub's storage. Default 4.
    /// </summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// An idle worker's queue polling backs off up to this (100 ms - 30 s; DTFx's default is 30 s, so an idle hub
    /// would see new work up to 30 s late). Default 500 ms.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Orchestration work items run at once by this process (1-1000). Default 100.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 100;

    /// <summary>Activities run at once by this process (1-1000; DTFx's default is 10). Default 100.</summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>
    /// Keeps an orchestration in memory between episodes (DTFx's extended sessions), so a boot's next step need not
    /// reload its history. Default on.
    /// </summary>
    public bool ExtendedSessions { get; set; } = true;

    /// <summary>How long an idle extended session stays in memory (1 s - 10 min). Default 30 s.</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a partition lease lasts before another process may take it (15-60 s): a killed process's partitions
    /// move within about this. Renewal and acquisition run at a third of it. Default 30 s (DTFx's).
    /// </summary>
    public TimeSpan PartitionLeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a received control or work-item message stays hidden before it is delivered again (10 s - 10 min):
    /// after a crash, its unfinished messages reappear after about this. DTFx renews it while work runs. Default 60 s
    /// (DTFx's is 5 min).
    /// </summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<string> Problems()
    {
        var hubName = TaskHubName is not null && HubName().IsMatch(TaskHubName)
            ? null
            : $"{Section}:{nameof(TaskHubName)} '{TaskHubName}' must be 3-45 letters or digits, starting with a letter.";
        return SettingRules.Of(
            hubName,
            SettingRules.Between($"{Section}:{nameof(PartitionCount)}", PartitionCount, 1, 16),
            SettingRules.Between($"{Section}:{nameof(MaxQueuePollingInterval)}", MaxQueuePollingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30)),
            SettingRules.Between($"{Section}:{nameof(MaxConcurrentOrchestrations)}", MaxConcurrentOrchestrations, 1, 1000),
            SettingRules.Between($"{Section}:{nameof(MaxConcurrentActivities)}", MaxConcurrentActivities, 1, 1000),
            SettingRules.Between($"{Section}:{nameof(ExtendedSessionIdleTimeout)}", ExtendedSessionIdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            SettingRules.Between($"{Section}:{nameof(PartitionLeaseInterval)}", PartitionLeaseInterval, TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1)),
            SettingRules.Between($"{Section}:{nameof(MessageVisibilityTimeout)}", MessageVisibilityTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10)));
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$", RegexOptions.CultureInvariant)]
    private static partial Regex HubName();
}
