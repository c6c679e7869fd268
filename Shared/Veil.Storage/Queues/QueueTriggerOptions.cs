using Veil.Hosting;

namespace Veil.Storage.Queues;

/// <summary>How a queue trigger consumes its queue. The defaults suit commands that take seconds.</summary>
public sealed class QueueTriggerOptions
{
    /// <summary>Messages handled at once (1-64). Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long a received message stays invisible; renewed at half this while its handler runs. Default 30 s.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries before a failing message is parked (1-100). Default 5, as Azure Functions.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Idle polling backs off from 25 ms up to this cap. Default 1 s.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a handler fails, the message reappears after this times its dequeue count. Default 2 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown, running handlers get this long to finish before they are cancelled. Default 20 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The problems of these settings, each named under <paramref name="section"/> (e.g. <c>HostWorker:Commands</c>).</summary>
    public IEnumerable<string> Problems(string section) => SettingRules.Of(
        SettingRules.Between($"{section}:{nameof(MaxConcurrency)}", MaxConcurrency, 1, 64),
        SettingRules.Between($"{section}:{nameof(VisibilityTimeout)}", VisibilityTimeout, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1)),
        SettingRules.Between($"{section}:{nameof(MaxDequeueCount)}", MaxDequeueCount, 1, 100),
        SettingRules.Between($"{section}:{nameof(MaxPollingInterval)}", MaxPollingInterval, TimeSpan.FromMilliseconds(25), TimeSpan.FromMinutes(1)),
        SettingRules.Between($"{section}:{nameof(RetryDelay)}", RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        SettingRules.Between($"{section}:{nameof(ShutdownTimeout)}", ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
}
