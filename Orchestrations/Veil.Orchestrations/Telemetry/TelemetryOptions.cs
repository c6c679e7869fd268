using Veil.Hosting;

namespace Veil.Orchestrations.Telemetry;

/// <summary>Settings of what Orchestrations measures beyond its own work (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions : ICheckedOptions
{
    public const string Section = "Telemetry";

    /// <summary>How often the fleet gauges read storage (only while telemetry is exported).</summary>
    public TimeSpan FleetSampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    public IEnumerable<string> Problems() =>
        SettingRules.Of(SettingRules.Between($"{Section}:{nameof(FleetSampleInterval)}", FleetSampleInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));
}
