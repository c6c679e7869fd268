namespace Veil.HostWorker.Libvirt;

/// <summary>libvirt's <c>virDomainState</c>.</summary>
public enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    ShuttingDown = 4,
    ShutOff = 5,
    Crashed = 6,
    PMSuspended = 7,
}
