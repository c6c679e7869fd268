using System.Diagnostics.Metrics;
using Veil.ServiceDefaults;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Telemetry;

/// <summary>
/// What an operator alerts on about boots and repairs (docs/operations.md). Counted where the step happens once: a
/// boot is started by the API, ended by its RecordOutcome activity (at least once, as every activity runs), and
/// repaired by the reconciler.
/// </summary>
internal static class BootMetrics
{
    private static readonly Counter<long> Started = VeilTelemetry.Meter.CreateCounter<long>(
        "veil.boots.started", "{boot}", "Boots scheduled, by memory-encryption model.");

    private static readonly Counter<long> Succeeded = VeilTelemetry.Meter.CreateCounter<long>(
        "veil.boots.succeeded", "{boot}", "Boots that ended ACTIVE, by memory-encryption model.");

    private static readonly Counter<long> Failed = VeilTelemetry.Meter.CreateCounter<long>(
        "veil.boots.failed", "{boot}", "Boots that ended ERROR, by memory-encryption model and failure code.");

    private static readonly Histogram<double> Duration = VeilTelemetry.Meter.CreateHistogram(
        "veil.boot.duration", "s", "From the launch request to ACTIVE, by memory-encryption model.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300] });

    private static readonly Counter<long> Repairs = VeilTelemetry.Meter.CreateCounter<long>(
        "veil.reconciler.repairs", "{repair}", "What the reconciler repaired, by kind.");

    public static void BootStarted(MemoryEncryptionModel? model) => Started.Add(1, Model(model));

    public static void BootSucceeded(MemoryEncryptionModel? model, TimeSpan sinceLaunch)
    {
        Succeeded.Add(1, Model(model));
        Duration.Record(sinceLaunch.TotalSeconds, Model(model));
    }

    public static void BootFailed(MemoryEncryptionModel? model, string code) =>
        Failed.Add(1, Model(model), new KeyValuePair<string, object?>("veil.failure_code", code));

    /// <summary>One repair: <c>boot-ended-unfinished</c>, <c>delete-rescheduled</c>, <c>slot-released</c>, <c>unclaimed-domain</c>.</summary>
    public static void Repaired(string kind) => Repairs.Add(1, new KeyValuePair<string, object?>("veil.repair", kind));

    private static KeyValuePair<string, object?> Model(MemoryEncryptionModel? model) =>
        new("veil.model", model?.ToName() ?? "none");
}
