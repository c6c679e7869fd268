using DurableTask.Core;
using Veil.Storage;

namespace Veil.TaskHub.Hosting;

/// <summary>
/// Runs an activity and reports a failure that was storage being away (<see cref="StorageErrors.IsUnavailable"/>) as a
/// <see cref="StorageUnavailableException"/>. DTFx records an activity's failure by exception type name only, so this
/// is where the one classifier is applied; an orchestration's retry policy then tests a single name
/// (<see cref="IsStorageOutage"/>). Every other failure passes through as it was thrown.
/// </summary>
public sealed class StorageOutageReportingActivity(TaskActivity activity) : TaskActivity
{
    /// <summary>Whether a recorded failure is storage having been away (what the wrapped activity reported as such).</summary>
    public static bool IsStorageOutage(string? errorType) => errorType == typeof(StorageUnavailableException).FullName;

    /// <summary>What an activity's failure is reported as: a <see cref="StorageUnavailableException"/> when storage was
    /// away, otherwise the exception itself.</summary>
    public static Exception Reported(Exception failure) =>
        failure is not StorageUnavailableException && StorageErrors.IsUnavailable(failure)
            ? new StorageUnavailableException($"Storage did not answer: {failure.Message}", failure)
            : failure;

    public override string Run(TaskContext context, string input) =>
        RunAsync(context, input).GetAwaiter().GetResult();

    public override async Task<string> RunAsync(TaskContext context, string input)
    {
        try
        {
            return await activity.RunAsync(context, input);
        }
        catch (Exception e) when (Reported(e) is StorageUnavailableException outage && outage != e)
        {
            throw outage;
        }
    }
}
