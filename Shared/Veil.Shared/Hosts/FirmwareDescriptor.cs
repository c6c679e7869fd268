namespace Veil.Shared.Hosts;

/// <summary>A QEMU firmware descriptor (<c>/usr/share/qemu/firmware/*.json</c>, docs/interop/firmware.json).</summary>
public sealed record FirmwareDescriptor(
    string Path,
    IReadOnlyList<string> InterfaceTypes,
    IReadOnlyList<string> Features,
    IReadOnlyList<FirmwareTarget> Targets,
    string? MappingDevice,
    string? MappingFilename)
{
    /// <summary>Whether the descriptor offers <paramref name="feature"/> as UEFI for x86_64 q35 machines.</summary>
    public bool OffersForQ35(string feature) =>
        Features.Contains(feature, StringComparer.Ordinal)
        && InterfaceTypes.Contains("uefi", StringComparer.Ordinal)
        && Targets.Any(t => t.Architecture == "x86_64" && t.Machines.Any(m => m.Contains("q35", StringComparison.Ordinal)));
}

/// <summary>One <c>targets</c> entry of a firmware descriptor.</summary>
public sealed record FirmwareTarget(string Architecture, IReadOnlyList<string> Machines);
