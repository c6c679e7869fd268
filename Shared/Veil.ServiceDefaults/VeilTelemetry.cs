using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Veil.ServiceDefaults;

/// <summary>
/// Veil's own spans and instruments: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <c>Veil</c>, beside ASP.NET Core's, HttpClient's and DurableTask.Core's. Nothing is recorded unless the process
/// exports telemetry (<see cref="ServiceDefaultsExtensions.AddServiceDefaults{TBuilder}"/>): without a listener
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and instruments cost a check.
/// </summary>
public static class VeilTelemetry
{
    public const string Name = "Veil";

    /// <summary>The tag that lets a span with no parent start a trace (<see cref="TraceRootSampler"/>).</summary>
    public const string TraceRootTag = "veil.trace_root";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    /// <summary>
    /// A span that starts a trace of its own: an operator's or a timer's unit of work (a launch in the Portal, a
    /// reconcile pass, a host probe), unlike a poller's background requests. Whatever span encloses the caller (the
    /// Portal's circuit, a connection that lasts for hours) is not its parent. Call it from an async method: the
    /// caller's current span is back once that method returns.
    /// </summary>
    public static Activity? StartOperation(string name, ActivityKind kind = ActivityKind.Internal)
    {
        var enclosing = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(name, kind, parentContext: default, tags: [new(TraceRootTag, true)]);
        if (span is null)
        {
            Activity.Current = enclosing;
        }

        return span;
    }

    /// <summary>
    /// A span continuing the trace named by a W3C <c>traceparent</c> carried in a message (a host command, a host
    /// event); a message without one (or with one that does not parse) starts a trace of its own.
    /// </summary>
    public static Activity? StartFrom(string? traceParent, string name, ActivityKind kind) =>
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind, parentContext: default, tags: [new(TraceRootTag, true)]);

    /// <summary>The W3C <c>traceparent</c> of the current span, to carry in a message; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

    /// <summary>Whether <paramref name="traceParent"/> is a W3C <c>traceparent</c> (for validating messages).</summary>
    public static bool IsTraceParent(string traceParent) => ActivityContext.TryParse(traceParent, null, out _);

    /// <summary>Marks a span failed with what went wrong, as OpenTelemetry's semantic conventions have it.</summary>
    public static void Failed(this Activity? span, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        span?.SetStatus(ActivityStatusCode.Error, error.Message);
        span?.SetTag("error.type", error.GetType().Name);
    }
}
