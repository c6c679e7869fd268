using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Veil.ServiceDefaults;

/// <summary>
/// Which spans may start a trace: an incoming request (ASP.NET Core's server spans), or a Veil operation that says
/// it may (<see cref="VeilTelemetry.StartOperation"/>). Everything else with no parent — a queue poller's storage
/// requests, a lease renewal, the engine's own polling — is dropped, or they would bury the boots in the dashboard.
/// Used as the root sampler of a <see cref="ParentBasedSampler"/>: a span with a parent follows its parent.
/// </summary>
public sealed class TraceRootSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == ActivityKind.Server)
        {
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }

        if (samplingParameters.Tags is { } tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == VeilTelemetry.TraceRootTag)
                {
                    return new SamplingResult(SamplingDecision.RecordAndSample);
                }
            }
        }

        return new SamplingResult(SamplingDecision.Drop);
    }
}
