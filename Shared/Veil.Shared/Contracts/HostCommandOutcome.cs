namespace Veil.Shared.Contracts;

/// <summary>How a host command ended.</summary>
public enum HostCommandOutcome
{
    /// <summary>Done: the domain is in the state the command asked for.</summary>
    Succeeded,

    /// <summary>Tried and failed; <see cref="HostEvent.Failure"/> says why. Another host may succeed.</summary>
    Failed,

    /// <summary>Not tried, because the request is not allowed for this guest (e.g. suspending an encrypted guest).</summary>
    Refused,
}
