using Microsoft.Extensions.Logging;

namespace Veil.Storage;

internal static partial class Logs
{
    [LoggerMessage(1000, LogLevel.Information, "Queue trigger on {Queue} started, {MaxConcurrency} at a time")]
    public static partial void TriggerStarted(ILogger logger, string queue, int maxConcurrency);

    [LoggerMessage(1001, LogLevel.Information, "Queue trigger on {Queue} stopping, waiting for {Running} running handler(s)")]
    public static partial void TriggerStopping(ILogger logger, string queue, int running);

    [LoggerMessage(1002, LogLevel.Warning, "Receiving from {Queue} failed: {Error}")]
    public static partial void ReceiveFailed(ILogger logger, string queue, string error);

    [LoggerMessage(1003, LogLevel.Warning, "Handler for message {MessageId} on {Queue} failed on try {DequeueCount}; it will be retried")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string queue, string messageId, long dequeueCount);

    [LoggerMessage(1004, LogLevel.Error, "Message {MessageId} on {Queue} parked as {ParkedId}: {Reason}")]
    public static partial void MessageParked(ILogger logger, string queue, string messageId, string parkedId, string reason);

    [LoggerMessage(1005, LogLevel.Error, "Parking message {MessageId} on {Queue} failed; it stays on the queue: {Error}")]
    public static partial void ParkFailed(ILogger logger, string queue, string messageId, string error);

    [LoggerMessage(1006, LogLevel.Warning, "Renewing message {MessageId} on {Queue} failed: {Error}")]
    public static partial void RenewalFailed(ILogger logger, string queue, string messageId, string error);

    [LoggerMessage(1007, LogLevel.Debug, "Message {MessageId} on {Queue} was already gone")]
    public static partial void MessageGone(ILogger logger, string queue, string messageId);
}
