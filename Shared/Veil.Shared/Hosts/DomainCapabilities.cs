namespace Veil.Shared.Hosts;

/// <summary>
/// What Veil reads from libvirt's domain capabilities. Every field is nullable: null means "not reported" (older
/// libvirt, a partial or malformed document), which the checklist shows as unknown rather than as "no".
/// </summary>
public sealed record DomainCapabilities
{
    public string? Arch { get; init; }

    public string? Machine { get; init; }

    /// <summary><c>&lt;sev supported='yes|no'&gt;</c>.</summary>
    public bool? SevSupported { get; init; }

    public int? CBitPos { get; init; }

    public int? ReducedPhysBits { get; init; }

    /// <summary>SEV slots (libvirt ≥ 8.0).</summary>
    public int? MaxGuests { get; init; }

    /// <summary>SEV-ES/SEV-SNP slots (libvirt ≥ 8.0).</summary>
    public int? MaxESGuests { get; init; }

    /// <summary>The <c>sectype</c> values of <c>&lt;launchSecurity supported='yes'&gt;</c> (libvirt ≥ 10.5); null when the element is absent.</summary>
    public IReadOnlySet<string>? LaunchSecurityTypes { get; init; }

    /// <summary>Whether <c>os/enum[@name='firmware']</c> lists <c>efi</c>.</summary>
    public bool? EfiFirmware { get; init; }

    /// <summary>What could not be read, in words.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
