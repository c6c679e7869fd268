using DurableTask.Core;
using Microsoft.DurableTask;
using Veil.Orchestrations.Boot;
using Veil.TaskHub.Hosting;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// Which activity failures a boot retries: an exception thrown by a real activity, reported by the task hub's wrapper
/// and recorded by DurableTask.Core as the orchestration then sees it. Storage being away is retried; an answer
/// (a refused condition, a bug) is not — the same classifier (StorageErrors) that every other part of Veil uses.
/// </summary>
public sealed class StorageOutageRetryTests
{
    [Fact]
    public async Task SdkRetriesExhausted_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(await RecordedAsync(new AggregateException(new Azure.RequestFailedException("Connection refused", new HttpRequestException("Connection refused"))))));

    [Fact]
    public async Task StorageTimedOut_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(await RecordedAsync(new TaskCanceledException("The operation was canceled.", new TimeoutException()))));

    [Fact]
    public async Task ServiceBusy503_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(await RecordedAsync(new Azure.RequestFailedException(503, "Server busy"))));

    [Fact]
    public async Task AnAnswer_NotRetried()
    {
        Assert.False(StorageOutageRetry.IsOutage(await RecordedAsync(new InvalidOperationException("No free ASID slot"))));
        Assert.False(StorageOutageRetry.IsOutage(await RecordedAsync(new ArgumentException("bad input"))));
        Assert.False(StorageOutageRetry.IsOutage(await RecordedAsync(new InvalidOperationException("the host's answer", new TimeoutException()))));
        Assert.False(StorageOutageRetry.IsOutage(await RecordedAsync(new Azure.RequestFailedException(412, "The condition specified using HTTP conditional header(s) is not met."))));
    }

    /// <summary>The failure as the orchestration sees it: the activity run through the task hub's wrapper, its
    /// exception recorded by DurableTask.Core, in the SDK's type.</summary>
    private static async Task<TaskFailureDetails> RecordedAsync(Exception thrown)
    {
        var reported = await Assert.ThrowsAnyAsync<Exception>(() => new StorageOutageReportingActivity(new Throwing(thrown)).RunAsync(null!, ""));
        static TaskFailureDetails Convert(FailureDetails d) => new(d.ErrorType, d.ErrorMessage, d.StackTrace, d.InnerFailure is { } inner ? Convert(inner) : null, null);
        return Convert(new FailureDetails(reported));
    }

    private sealed class Throwing(Exception failure) : TaskActivity
    {
        public override string Run(TaskContext context, string input) => throw failure;

        public override Task<string> RunAsync(TaskContext context, string input) => Task.FromException<string>(failure);
    }
}
