using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Veil.ServiceDefaults;

namespace Veil.Shared.Tests.Telemetry;

/// <summary>Which spans reach the dashboard: a tracer provider set up as the service defaults set it up.</summary>
public sealed class TraceRootSamplerTests : IDisposable
{
    private static readonly ActivitySource Poller = new("Veil.Tests.Poller");
    private readonly List<Activity> exported = [];
    private readonly TracerProvider provider;

    public TraceRootSamplerTests() => provider = Sdk.CreateTracerProviderBuilder()
        .SetSampler(new ParentBasedSampler(new TraceRootSampler()))
        .AddSource(VeilTelemetry.Name, Poller.Name)
        .AddInMemoryExporter(exported)
        .Build()!;

    [Fact]
    public void APollersRequestWithNoParent_IsDropped_AnOperationAndItsChildrenAreKept()
    {
        using (Poller.StartActivity("GET queue", ActivityKind.Client))
        {
        }

        string operationTrace;
        using (var operation = VeilTelemetry.StartOperation("reconcile"))
        {
            operationTrace = operation!.TraceId.ToHexString();
            using (Poller.StartActivity("GET table", ActivityKind.Client))
            {
            }
        }

        provider.ForceFlush();
        Assert.Equal(["GET table", "reconcile"], exported.Select(a => a.DisplayName).Order());
        Assert.All(exported, a => Assert.Equal(operationTrace, a.TraceId.ToHexString()));
    }

    [Fact]
    public void AnOperationInsideALongLivedSpan_StartsATraceOfItsOwn()
    {
        using var circuit = Poller.StartActivity("GET /_blazor", ActivityKind.Server);
        using var launch = VeilTelemetry.StartOperation("Portal POST /api/servers");
        Assert.NotEqual(circuit!.TraceId, launch!.TraceId);
        Assert.Null(launch.Parent);
    }

    [Fact]
    public void AMessagesTraceParent_IsContinued_AndAMessageWithoutOneStartsItsOwnTrace()
    {
        const string sent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using (var handling = VeilTelemetry.StartFrom(sent, "host Spawn", ActivityKind.Consumer))
        {
            Assert.Equal("0af7651916cd43dd8448eb211c80319c", handling!.TraceId.ToHexString());
            Assert.Equal("b7ad6b7169203331", handling.ParentSpanId.ToHexString());
            Assert.Equal(handling.Id, VeilTelemetry.CurrentTraceParent());
        }

        using (var untraced = VeilTelemetry.StartFrom(null, "host Destroy", ActivityKind.Consumer))
        {
            Assert.NotNull(untraced);
            Assert.Equal(default, untraced.ParentSpanId);
        }

        provider.ForceFlush();
        Assert.Equal(2, exported.Count);
    }

    public void Dispose() => provider.Dispose();
}
