namespace Veil.Shared.Contracts;

/// <summary>What a host is asked to do with a server's domain.</summary>
public enum HostCommandKind
{
    /// <summary>Build the domain XML from the guest spec, define it and start it.</summary>
    Spawn,

    /// <summary>Stop the domain and remove its definition.</summary>
    Destroy,

    /// <summary>Pause the guest. Refused for encrypted guests (nova SEV spec, Limitations).</summary>
    Suspend,

    /// <summary>Resume a paused guest.</summary>
    Resume,

    /// <summary>Power the guest off: ask it to shut down (ACPI), and pull the plug after the host's grace period (nova's os-stop).</summary>
    Stop,

    /// <summary>Power a stopped guest on again (nova's os-start).</summary>
    Start,

    /// <summary>Reset the running guest, as a hard reboot does (nova's reboot HARD).</summary>
    Reboot,

    /// <summary>Move the running guest to another host. Refused: Veil does not migrate, and encrypted guests cannot be.</summary>
    LiveMigrate,
}
