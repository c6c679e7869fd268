using System.Text.RegularExpressions;

namespace Veil.Shared.Hosts;

/// <summary>Finds the version number in texts like <c>9.2.0</c>, <c>6.11.0-1-amd64</c> or <c>QEMU emulator version 9.1.2 (Debian 1:9.1.2+ds-1)</c>.</summary>
public static partial class VersionText
{
    public static Version? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = Number().Match(text);
        if (!match.Success)
        {
            return null;
        }

        int Part(int group) => match.Groups[group].Success && int.TryParse(match.Groups[group].Value, out var v) ? v : 0;
        return int.TryParse(match.Groups[1].Value, out var major) ? new Version(major, Part(2), Part(3)) : null;
    }

    /// <summary>libvirt's packed version numbers: major * 1,000,000 + minor * 1,000 + release.</summary>
    public static Version FromLibvirtNumber(ulong number) =>
        new((int)(number / 1_000_000), (int)(number / 1_000 % 1_000), (int)(number % 1_000));

    [GeneratedRegex(@"(?<!\d)(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
