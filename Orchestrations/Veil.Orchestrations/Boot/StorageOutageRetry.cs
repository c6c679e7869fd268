using Microsoft.DurableTask;
using Veil.TaskHub.Hosting;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// How the boot and delete orchestrations call their activities: an activity that failed because storage was
/// away (restarting, unreachable, throttling) is tried again with back-off for about two minutes instead of
/// failing the tenant's boot. Every Veil activity may run twice (records merge, claims are conditional, host
/// commands are idempotent), so a retry is safe. Other failures are not retried: they are answers.
/// </summary>
public static class StorageOutageRetry
{
    public static TaskOptions Options { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30))
        {
            HandleFailure = IsOutage,
        });

    /// <summary>An activity step of a boot or delete, retried through storage outages.</summary>
    public static Task<TResult> CallStepAsync<TResult>(this TaskOrchestrationContext context, string name, object? input) =>
        (context ?? throw new ArgumentNullException(nameof(context))).CallActivityAsync<TResult>(name, input, Options);

    /// <summary>Whether the failure is storage being away rather than an answer, as the task hub reported it.</summary>
    public static bool IsOutage(TaskFailureDetails failure) =>
        failure is not null && StorageOutageReportingActivity.IsStorageOutage(failure.ErrorType);
}
