using System.ComponentModel.DataAnnotations;

namespace Veil.Storage.Queues;

/// <summary>How a queue trigger consumes its queue. The defaults suit commands that take seconds.</summary>
public sealed class QueueTriggerOptions
{
    /// <summary>Messages handled at once (1-64). Default 4.</summary>
    [Range(1, 64, ErrorMessage = "MaxConcurrency must be between 1 and 64.")]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long a received message stays invisible; renewed at half this while its handler runs. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00", ErrorMessage = "VisibilityTimeout must be between 2 seconds and 1 hour.")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries before a failing message is parked (1-100). Default 5, as Azure Functions.</summary>
    [Range(1, 100, ErrorMessage = "MaxDequeueCount must be between 1 and 100.")]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Idle polling backs off from 25 ms up to this cap. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.025", "00:01:00", ErrorMessage = "MaxPollingInterval must be between 25 ms and 1 minute.")]
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a handler fails, the message reappears after this times its dequeue count. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "RetryDelay must be between 0 and 10 minutes.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown, running handlers get this long to finish before they are cancelled. Default 20 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "ShutdownTimeout must be between 0 and 10 minutes.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
