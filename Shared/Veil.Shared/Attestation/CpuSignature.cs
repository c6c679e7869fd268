using System.Globalization;

namespace Veil.Shared.Attestation;

/// <summary>
/// A vCPU's signature, CPUID leaf 1 EAX, as the VMSA's RDX carries it. Veil defines guests with
/// <c>host-passthrough</c>, so a guest's signature is its host's family, model and stepping (from /proc/cpuinfo).
/// </summary>
public readonly record struct CpuSignature(uint Value)
{
    /// <summary>Family, model and stepping encoded as CPUID does (extended family and model above 15).</summary>
    public static CpuSignature Of(int family, int model, int stepping)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(family);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(family, 0xff + 15);
        ArgumentOutOfRangeException.ThrowIfNegative(model);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(model, 0xff);
        ArgumentOutOfRangeException.ThrowIfNegative(stepping);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepping, 0xf);
        var value = (uint)stepping | ((uint)(model & 0xf) << 4) | ((uint)Math.Min(family, 15) << 8) | ((uint)(model >> 4) << 16);
        return new CpuSignature(family > 15 ? value | ((uint)(family - 15) << 20) : value);
    }

    /// <summary>The first processor's signature in /proc/cpuinfo text; null when it lacks family, model or stepping.</summary>
    public static CpuSignature? FromCpuinfo(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        int? family = null, model = null, stepping = null;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (family is not null && line.Trim().Length == 0)
                {
                    break; // the first processor's block has ended
                }

                continue;
            }

            var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            switch (key)
            {
                case "cpu family": family = number; break;
                case "model": model = number; break;
                case "stepping": stepping = number; break;
            }
        }

        return family is { } f && model is { } m && stepping is { } s && f <= 0xff + 15 && m <= 0xff && s <= 0xf ? Of(f, m, s) : null;
    }

    public override string ToString() => $"0x{Value:x8}";
}
