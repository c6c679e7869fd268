namespace Veil.Shared.Hosts;

/// <summary>A kernel module parameter read from sysfs: on, off, or a value that is neither.</summary>
public enum SwitchState
{
    Off,
    On,
    Unknown,
}
