namespace Veil.HostWorker.Probing;

/// <summary>Where the probe reads a host from. Defaults describe a real host; a simulated host points them at a fixture.</summary>
public sealed class HostProbeOptions
{
    /// <summary>The host's name in Veil (provider names derive from it).</summary>
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>The root under which <c>proc/</c>, <c>sys/</c>, <c>usr/share/qemu/firmware</c> and <c>etc/qemu/firmware</c> are read.</summary>
    public string Root { get; set; } = "/";

    /// <summary>A recorded domain-capabilities XML file to use instead of asking libvirt (simulated hosts).</summary>
    public string? DomainCapabilitiesFile { get; set; }

    /// <summary>A recorded <c>versions.json</c> (architecture, kernel, qemu, libvirt) to use instead of the live values.</summary>
    public string? VersionsFile { get; set; }

    /// <summary>The operator's SEV guest limit; when set it overrides the detected maxGuests (mismatch warned).</summary>
    public int? SevGuestLimit { get; set; }

    /// <summary>The network guests are configured to join, to check it is there (null: not checked).</summary>
    public Veil.Shared.Guests.GuestNetwork? Network { get; set; }

    /// <summary>The virtualisation type whose domain capabilities are read: <c>kvm</c>, or <c>qemu</c> on a TCG host.</summary>
    public string VirtType { get; set; } = "kvm";

    /// <summary>Options for a fixture folder laid out as docs/rules.md's "Host fixtures" describes.</summary>
    public static HostProbeOptions ForFixture(string hostName, string fixtureRoot) => new()
    {
        HostName = hostName,
        Root = fixtureRoot,
        DomainCapabilitiesFile = Path.Combine(fixtureRoot, "domcapabilities.xml"),
        VersionsFile = Path.Combine(fixtureRoot, "versions.json"),
    };
}
