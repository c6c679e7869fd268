using System.Net.Sockets;
using Azure;

namespace Veil.Storage;

/// <summary>Tells a storage outage (to wait out and retry) from an answer (to act on): Veil's one classifier of "storage is away".</summary>
public static class StorageErrors
{
    /// <summary>
    /// True when storage could not be reached or failed transiently even after the SDK's own retries: connection
    /// refused or reset, timeouts, 408, 429, 5xx. The SDK reports a run of failed tries as an
    /// <see cref="AggregateException"/>, which is easy to miss when only <see cref="RequestFailedException"/> is caught.
    /// Another exception wrapping one of these is not: it is whoever wrapped it answering.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => true,
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException many => many.InnerExceptions.Count > 0 && many.InnerExceptions.All(IsUnavailable),
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        TaskCanceledException canceled => canceled.InnerException is TimeoutException,
        _ => false,
    };

    /// <summary>An answer from storage, or its absence: what a storage call's failure handler should catch.</summary>
    public static bool IsStorageFailure(Exception exception) => exception is RequestFailedException || IsUnavailable(exception);
}
