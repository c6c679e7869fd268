using Microsoft.Extensions.Logging;

namespace Veil.TaskHub;

internal static partial class Logs
{
    [LoggerMessage(3000, LogLevel.Information, "Task hub {TaskHub}: worker {WorkerId} started ({Partitions} partitions)")]
    public static partial void WorkerStarted(ILogger logger, string taskHub, string workerId, int partitions);

    [LoggerMessage(3001, LogLevel.Warning, "Storage does not answer, so this process cannot {What} yet; trying again in {Delay}: {Error}")]
    public static partial void WaitingForStorage(ILogger logger, string what, TimeSpan delay, string error);

    [LoggerMessage(3002, LogLevel.Warning, "The worker did not stop within {Limit} of being forced (storage away?); leaving without it: its partition leases expire instead")]
    public static partial void WorkerAbandoned(ILogger logger, TimeSpan limit);
}
