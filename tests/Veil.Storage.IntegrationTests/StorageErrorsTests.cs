using System.Net.Sockets;
using Azure;

namespace Veil.Storage.IntegrationTests;

public sealed class StorageErrorsTests
{
    [Fact]
    public void IsUnavailable_SdkRetriesExhausted_AggregateOfRefusedConnections_True()
    {
        var refused = new RequestFailedException("Connection refused", new HttpRequestException("Connection refused", new SocketException(111)));

        Assert.True(StorageErrors.IsUnavailable(new AggregateException(refused, refused)));
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void IsUnavailable_ByStatus(int status, bool unavailable) =>
        Assert.Equal(unavailable, StorageErrors.IsUnavailable(new RequestFailedException(status, "x")));

    [Fact]
    public void IsStorageFailure_AnswersAndOutages_ButNotBugs()
    {
        Assert.True(StorageErrors.IsStorageFailure(new RequestFailedException(412, "condition not met")));
        Assert.False(StorageErrors.IsStorageFailure(new InvalidOperationException()));
        Assert.False(StorageErrors.IsUnavailable(new AggregateException(new RequestFailedException(503, "x"), new ArgumentException())));
    }
}
