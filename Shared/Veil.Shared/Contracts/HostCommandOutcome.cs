namespace Veil.Shared.Contracts;

/// <summary>How a host command ended, or that the host has taken it (<see cref="Accepted"/>).</summary>
public enum HostCommandOutcome
{
    /// <summary>Done: the domain is in the state the command asked for.</summary>
    Succeeded,

    /// <summary>Tried and failed; <see cref="HostEvent.Failure"/> says why. Another host may succeed.</summary>
    Failed,

    /// <summary>Not tried, because the request is not allowed for this guest (e.g. suspending an encrypted guest).</summary>
    Refused,

    /// <summary>
    /// Not an ending: the host has taken the command off its queue and is carrying it out; the outcome follows. Sent
    /// at once, so a caller can tell a host that is working from one that is gone long before a spawn could finish.
    /// </summary>
    Accepted,
}
