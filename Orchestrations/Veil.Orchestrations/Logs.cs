namespace Veil.Orchestrations;

internal static partial class Logs
{
    [LoggerMessage(4000, LogLevel.Warning, "Reconciler: {Finding}")]
    public static partial void Reconciled(ILogger logger, string finding);

    [LoggerMessage(4001, LogLevel.Warning, "Reconciler round failed; trying again next round")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Host row '{RowKey}' in the hosts table is left out of placement: {Reason}")]
    public static partial void HostRowUnreadable(ILogger logger, string rowKey, string reason);
}
