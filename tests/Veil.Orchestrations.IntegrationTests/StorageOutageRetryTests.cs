using Veil.DurableTask;
using Veil.Orchestrations.Boot;

namespace Veil.Orchestrations.IntegrationTests;

public sealed class StorageOutageRetryTests
{
    [Fact]
    public void IsOutage_SdkRetriesExhausted_Retried()
    {
        var failure = TaskFailureDetails.FromException(new AggregateException(new Azure.RequestFailedException("Connection refused", new HttpRequestException("Connection refused"))));

        Assert.True(StorageOutageRetry.IsOutage(failure));
    }

    [Fact]
    public void IsOutage_OutageInsideAnotherFailure_Retried() =>
        Assert.True(StorageOutageRetry.IsOutage(TaskFailureDetails.FromException(new InvalidOperationException("reading the server", new TimeoutException()))));

    [Fact]
    public void IsOutage_AnAnswer_NotRetried()
    {
        Assert.False(StorageOutageRetry.IsOutage(TaskFailureDetails.FromException(new InvalidOperationException("No free ASID slot"))));
        Assert.False(StorageOutageRetry.IsOutage(TaskFailureDetails.FromException(new ArgumentException("bad input"))));
    }
}
