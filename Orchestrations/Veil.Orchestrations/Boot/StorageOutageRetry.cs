using Microsoft.DurableTask;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// How the boot and delete orchestrations call their activities: an activity that failed because storage was
/// away (restarting, unreachable, throttling) is tried again with back-off for about two minutes instead of
/// failing the tenant's boot. Every Veil activity may run twice (records merge, claims are conditional, host
/// commands are idempotent), so a retry is safe. Other failures are not retried: they are answers.
/// </summary>
public static class StorageOutageRetry
{
    private static readonly HashSet<string> OutageTypes = new(StringComparer.Ordinal)
    {
        "System.AggregateException", // the Azure SDK's "Retry failed after N tries"
        "Azure.RequestFailedException",
        "System.Net.Http.HttpRequestException",
        "System.Net.Sockets.SocketException",
        "System.IO.IOException",
        "System.TimeoutException",
    };

    public static TaskOptions Options { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30))
        {
            HandleFailure = IsOutage,
        });

    /// <summary>An activity step of a boot or delete, retried through storage outages.</summary>
    public static Task<TResult> CallStepAsync<TResult>(this TaskOrchestrationContext context, string name, object? input) =>
        (context ?? throw new ArgumentNullException(nameof(context))).CallActivityAsync<TResult>(name, input, Options);

    /// <summary>Whether the failure, or one inside it, is storage being away rather than an answer.</summary>
    public static bool IsOutage(TaskFailureDetails failure) =>
        failure is not null && (OutageTypes.Contains(failure.ErrorType) || (failure.InnerFailure is { } inner && IsOutage(inner)));
}
