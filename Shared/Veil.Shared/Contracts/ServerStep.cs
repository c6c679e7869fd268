namespace Veil.Shared.Contracts;

/// <summary>What a server's boot or delete is doing now (nova's task state), written as kebab-case words.</summary>
public enum ServerStep
{
    /// <summary>Recorded; placement has not answered yet (nova's <c>scheduling</c> is set as the API accepts the request).</summary>
    Scheduling,

    /// <summary>A host was chosen; an ASID slot on its provider is being claimed.</summary>
    ClaimingAsid,

    /// <summary>The host was asked to define and start the domain.</summary>
    Spawning,

    Active,

    /// <summary>Powering off (nova's <c>powering-off</c>).</summary>
    Stopping,

    /// <summary>Powering on (nova's <c>powering-on</c>).</summary>
    Starting,

    /// <summary>Being reset (nova's <c>reboot_started_hard</c>).</summary>
    Rebooting,

    /// <summary>Powered off.</summary>
    Shutoff,

    Error,

    Deleting,

    Deleted,
}
