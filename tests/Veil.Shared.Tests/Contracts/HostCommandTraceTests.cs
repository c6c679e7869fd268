using Veil.Shared.Contracts;

namespace Veil.Shared.Tests.Contracts;

public sealed class HostCommandTraceTests
{
    private static HostCommand Destroy(string? traceParent) => new(Guid.NewGuid(), HostCommandKind.Destroy, Guid.NewGuid(), DateTimeOffset.UnixEpoch, TraceParent: traceParent);

    [Theory]
    [InlineData(null)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    public void ACommandWithoutATraceOrWithAW3CTraceParent_IsWellFormed(string? traceParent) =>
        Assert.Null(Destroy(traceParent).Problem());

    [Theory]
    [InlineData("")]
    [InlineData("trace me")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    public void ACommandWhoseTraceParentIsNotW3C_IsRefusedNamingIt(string traceParent) =>
        Assert.StartsWith("traceParent is not a W3C traceparent", Destroy(traceParent).Problem());
}
