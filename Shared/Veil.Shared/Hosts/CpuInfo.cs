namespace Veil.Shared.Hosts;

/// <summary>Reads the CPU flags out of <c>/proc/cpuinfo</c>.</summary>
public static class CpuInfo
{
    /// <summary>
    /// The flags every processor listed has (a feature counts only if all CPUs have it); null when the text has no
    /// <c>flags</c> line at all, so "unknown" is never mistaken for "absent".
    /// </summary>
    public static IReadOnlySet<string>? ParseFlags(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        HashSet<string>? common = null;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !string.Equals(line[..colon].Trim(), "flags", StringComparison.Ordinal))
            {
                continue;
            }

            var flags = line[(colon + 1)..].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (common is null)
            {
                common = new HashSet<string>(flags, StringComparer.Ordinal);
            }
            else
            {
                common.IntersectWith(flags);
            }
        }

        return common;
    }
}
