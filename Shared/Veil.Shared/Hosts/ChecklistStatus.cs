namespace Veil.Shared.Hosts;

/// <summary>The state of one prerequisite on a host.</summary>
public enum ChecklistStatus
{
    Met,
    NotMet,

    /// <summary>Could not be determined (a file unreadable, libvirt silent, XML malformed).</summary>
    Unknown,
}
