namespace Veil.Shared.Contracts;

/// <summary>The names under which hosts and Orchestrations meet in storage.</summary>
public static class HostQueues
{
    /// <summary>Every host reports command outcomes here.</summary>
    public const string Events = "host-events";

    /// <summary>The table of host reports and heartbeats, one row per host.</summary>
    public const string HostsTable = "VeilHosts";

    /// <summary>A host's own container, which only it (and the Orchestrations side) can write: its name lease, the
    /// list of its domains and its guests' console logs.</summary>
    public static string Container(string hostName) => "veil-host-" + hostName;

    /// <summary>A host name usable in queue names: lowercase letters, digits and single hyphens, at most 50 characters.</summary>
    public const int MaxHostNameLength = 50;

    /// <summary>The queue a host takes its commands from.</summary>
    public static string Commands(string hostName) => "host-" + hostName;

    /// <summary>How much of a console log a host publishes: its last 256 KiB.</summary>
    public const int ConsoleLogMaxBytes = 256 * 1024;

    /// <summary>The blob in a host's <see cref="Container"/> with the end of a server's serial console.</summary>
    public static string ConsoleLogBlob(Guid serverId) => $"console/{serverId:D}.log";

    /// <summary>The blob in a host's <see cref="Container"/> where it publishes its <see cref="HostDomains"/>.</summary>
    public const string DomainsBlob = "domains.json";

    /// <summary>The blob in a host's <see cref="Container"/> whose lease makes the host name one worker's.</summary>
    public const string NameLeaseBlob = "lease";
}
