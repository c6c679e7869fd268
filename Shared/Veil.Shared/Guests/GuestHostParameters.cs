namespace Veil.Shared.Guests;

/// <summary>What the host contributes to a guest's domain XML.</summary>
public sealed record GuestHostParameters
{
    /// <summary>libvirt's domain type: <c>kvm</c> on a real host, <c>qemu</c> (TCG, no hardware virtualisation) on a
    /// test or laptop host, <c>test</c> against libvirt's test driver.</summary>
    public string DomainType { get; init; } = "kvm";

    /// <summary>The host's libvirt version; below 6.9.0 the SEV launch security must carry cbitpos and reducedPhysBits.</summary>
    public Version LibvirtVersion { get; init; } = new(11, 0, 0);

    /// <summary>From domain capabilities' <c>&lt;sev&gt;</c>; needed only for libvirt older than 6.9.0.</summary>
    public int? CBitPos { get; init; }

    /// <summary>From domain capabilities' <c>&lt;sev&gt;</c>; needed only for libvirt older than 6.9.0.</summary>
    public int? ReducedPhysBits { get; init; }

    /// <summary>The configured default machine type; null means q35.</summary>
    public string? DefaultMachineType { get; init; }

    /// <summary>Where instance files (disk, config drive, kernel, ramdisk) live, one folder per server id.</summary>
    public string InstancesPath { get; init; } = "/var/lib/veil/instances";

    /// <summary>What guests' interfaces attach to.</summary>
    public GuestNetwork Network { get; init; } = GuestNetwork.Default;

    /// <summary>The guest CPU mode; null leaves the element out (libvirt's test driver).</summary>
    public string? CpuMode { get; init; } = "host-passthrough";

    /// <summary>libvirt 6.9.0: from here on libvirt fills cbitpos and reducedPhysBits in by itself.</summary>
    public static Version ImplicitSevParametersSince { get; } = new(6, 9, 0);
}
