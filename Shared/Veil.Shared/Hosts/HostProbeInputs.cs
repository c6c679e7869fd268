namespace Veil.Shared.Hosts;

/// <summary>
/// Everything a probe read from a host, raw. The HostWorker collects it (from the real root or a fixture root, and
/// from libvirt); <see cref="HostCapabilityRules"/> turns it into capabilities. Null means "could not be read".
/// </summary>
public sealed record HostProbeInputs
{
    public required string HostName { get; init; }

    /// <summary><c>uname -m</c> (or libvirt's host arch).</summary>
    public string? Architecture { get; init; }

    /// <summary>The text of <c>/proc/cpuinfo</c>.</summary>
    public string? CpuInfo { get; init; }

    /// <summary><c>kvm_amd</c> parameter name → file content; a missing key or null value means the file is missing.</summary>
    public IReadOnlyDictionary<string, string?> KvmAmdParameters { get; init; } = new Dictionary<string, string?>();

    /// <summary>libvirt's domain capabilities XML for x86_64 KVM with the q35 machine type.</summary>
    public string? DomainCapabilitiesXml { get; init; }

    public Version? LibvirtVersion { get; init; }

    public Version? QemuVersion { get; init; }

    /// <summary>The kernel release (<c>uname -r</c>), e.g. <c>6.12.9-amd64</c>.</summary>
    public string? KernelRelease { get; init; }

    /// <summary>QEMU firmware descriptor files found: path → JSON text.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FirmwareDescriptors { get; init; } = [];

    /// <summary>The firmware images the SEV-SNP descriptors name, by the path they name them by.</summary>
    public IReadOnlyDictionary<string, FirmwareImageFacts> FirmwareImages { get; init; } = new Dictionary<string, FirmwareImageFacts>();

    /// <summary>
    /// The operator's SEV guest limit (the SEV spec's config option). When set it overrides the detected
    /// <c>maxGuests</c>, and a mismatch is warned about.
    /// </summary>
    public int? ConfiguredSevGuestLimit { get; init; }

    /// <summary>What the probe found of the network guests are configured to join (null: not checked, as on a
    /// simulated host).</summary>
    public NetworkObservation? Network { get; init; }
}
