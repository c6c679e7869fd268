using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>What an operator's alerts are built on: the boot metrics, as a boot through the real stack records them.</summary>
[Collection(nameof(LocalVeil))]
public sealed class BootMetricsTests(LocalVeil stack) : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measured = new();
    private readonly MeterListener listener = new();

    private void Listen()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServiceDefaults.VeilTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        measured.Enqueue((instrument.Name, value, copy));
    }

    private bool Saw(string instrument, params (string Key, string Value)[] tags) =>
        measured.Any(m => m.Instrument == instrument && m.Value > 0 && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)));

    [Fact]
    public async Task AnSnpBootThatSucceeds_CountsStartedAndSucceeded_AndItsDurationUnderItsModel()
    {
        Listen();
        var guest = GuestSpecBuilder.Encrypted("amd-sev-snp") with { ServerId = Guid.NewGuid(), Name = "metered" };

        await stack.Servers.CreateAsync("project-metrics", guest);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync("project-metrics", guest.ServerId)).Status);

        await Eventually.True(() => Task.FromResult(Saw("veil.boots.succeeded", ("veil.model", "amd-sev-snp"))), "a succeeded boot counted");
        Assert.True(Saw("veil.boots.started", ("veil.model", "amd-sev-snp")));
        Assert.True(Saw("veil.boot.duration", ("veil.model", "amd-sev-snp")));
    }

    [Fact]
    public async Task ABootNoHostCanTake_CountsAFailureWithItsCode()
    {
        Listen();
        var guest = GuestSpecBuilder.Encrypted("amd-sev-es") with { ServerId = Guid.NewGuid(), Name = "unplaceable" };

        await stack.Servers.CreateAsync("project-metrics", guest);
        Assert.Equal(ServerStatus.Error, (await stack.SettledAsync("project-metrics", guest.ServerId)).Status);

        await Eventually.True(() => Task.FromResult(Saw("veil.boots.failed", ("veil.model", "amd-sev-es"), ("veil.failure_code", "no-valid-host"))), "a failed boot counted with its code");
    }

    public void Dispose() => listener.Dispose();
}
