using System.Globalization;

namespace Veil.Hosting;

/// <summary>The checks settings share, each answering with the sentence an operator reads, or null when the value is good.</summary>
public static class SettingRules
{
    public static string? Between(string setting, int value, int min, int max) =>
        value < min || value > max ? string.Create(CultureInfo.InvariantCulture, $"{setting} is {value}; it must be between {min} and {max}.") : null;

    public static string? Between(string setting, TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min || value > max ? $"{setting} is {Text(value)}; it must be between {Text(min)} and {Text(max)}." : null;

    /// <summary>A duration as an operator writes it: <c>100 ms</c>, <c>30 s</c>, <c>5 min</c>, <c>1 h</c>, else <c>00:01:30.5</c>.</summary>
    public static string Text(TimeSpan value) => value switch
    {
        { Ticks: 0 } => "0 s",
        _ when value.Ticks % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalHours} h"),
        _ when value.Ticks % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes} min"),
        _ when value.Ticks % TimeSpan.TicksPerSecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds} s"),
        _ when value.Ticks % TimeSpan.TicksPerMillisecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds} ms"),
        _ => value.ToString("c", CultureInfo.InvariantCulture),
    };

    public static string? Required(string setting, string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? $"{setting} is required: {what}." : null;

    /// <summary>The problems among <paramref name="checks"/> (the nulls are the checks that passed).</summary>
    public static IEnumerable<string> Of(params string?[] checks) => checks.OfType<string>();
}
