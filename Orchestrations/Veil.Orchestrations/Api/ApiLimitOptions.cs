using Veil.Hosting;

namespace Veil.Orchestrations.Api;

/// <summary>What one caller may ask of the API, bound from <c>Api</c> and checked at start.</summary>
public sealed class ApiLimitOptions : ICheckedOptions
{
    public const string Section = "Api";

    /// <summary>The largest request body but an image file's, in KiB (16 KiB - 64 MiB). Default 1 MiB: a launch with
    /// all its metadata, user data and key is under 64 KiB.</summary>
    public int MaxRequestBodyKiB { get; set; } = 1024;

    /// <summary>Requests per second each caller may make over time (1 - 1,000,000). Default 20.</summary>
    public int PermitsPerSecond { get; set; } = 20;

    /// <summary>Requests a caller may make at once before the rate applies (1 - 10,000,000). Default 200.</summary>
    public int Burst { get; set; } = 200;

    public long MaxRequestBodyBytes => (long)MaxRequestBodyKiB << 10;

    public IEnumerable<string> Problems() => SettingRules.Of(
        SettingRules.Between($"{Section}:{nameof(MaxRequestBodyKiB)}", MaxRequestBodyKiB, 16, 64 * 1024),
        SettingRules.Between($"{Section}:{nameof(PermitsPerSecond)}", PermitsPerSecond, 1, 1_000_000),
        SettingRules.Between($"{Section}:{nameof(Burst)}", Burst, 1, 10_000_000));
}
