using DurableTask.Core;
using Microsoft.DurableTask;
using Veil.Orchestrations.Boot;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Which activity failures the boot retries: the failure details are made from real exceptions, as DurableTask.Core records them.</summary>
public sealed class StorageOutageRetryTests
{
    [Fact]
    public void IsOutage_SdkRetriesExhausted_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(Recorded(new AggregateException(new Azure.RequestFailedException("Connection refused", new HttpRequestException("Connection refused"))))));

    [Fact]
    public void IsOutage_OutageInsideAnotherFailure_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(Recorded(new InvalidOperationException("reading the server", new TimeoutException()))));

    [Fact]
    public void IsOutage_AnAnswer_NotRetried()
    {
        Assert.False(StorageOutageRetry.IsOutage(Recorded(new InvalidOperationException("No free ASID slot"))));
        Assert.False(StorageOutageRetry.IsOutage(Recorded(new ArgumentException("bad input"))));
    }

    /// <summary>The failure as the orchestration sees it: DurableTask.Core's record of the exception, in the SDK's type.</summary>
    private static TaskFailureDetails Recorded(Exception e)
    {
        static TaskFailureDetails Convert(FailureDetails d) => new(d.ErrorType, d.ErrorMessage, d.StackTrace, d.InnerFailure is { } inner ? Convert(inner) : null, null);
        return Convert(new FailureDetails(e));
    }
}
