using Veil.Shared.Contracts;

namespace Veil.Orchestrations;

internal static partial class Logs
{
    [LoggerMessage(4000, LogLevel.Warning, "Reconciler: {Finding}")]
    public static partial void Reconciled(ILogger logger, string finding);

    [LoggerMessage(4001, LogLevel.Warning, "Reconciler round failed; trying again next round")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Fleet gauges not read this round (they keep their last values): {Error}")]
    public static partial void FleetSampleFailed(ILogger logger, string error);

    [LoggerMessage(4002, LogLevel.Warning, "Host row '{RowKey}' in the hosts table is left out of placement: {Reason}")]
    public static partial void HostRowUnreadable(ILogger logger, string rowKey, string reason);

    [LoggerMessage(4100, LogLevel.Information, "Boot of server {ServerId}: placement found {Candidates} host(s)")]
    public static partial void BootPlaced(ILogger logger, Guid serverId, int candidates);

    [LoggerMessage(4101, LogLevel.Information, "Boot of server {ServerId}: spawning on {HostName} (ASID slot {Slot})")]
    public static partial void BootSpawning(ILogger logger, Guid serverId, string hostName, int? slot);

    [LoggerMessage(4102, LogLevel.Warning, "Boot of server {ServerId}: {HostName} did not take it ({Reason}); trying the next host")]
    public static partial void BootHostFailed(ILogger logger, Guid serverId, string hostName, string reason);

    [LoggerMessage(4103, LogLevel.Information, "Boot of server {ServerId} ended {Status}{Fault}")]
    public static partial void BootEnded(ILogger logger, Guid serverId, ServerStatus status, string fault);
}
