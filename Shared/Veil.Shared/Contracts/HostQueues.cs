namespace Veil.Shared.Contracts;

/// <summary>The names under which hosts and Orchestrations meet in storage.</summary>
public static class HostQueues
{
    /// <summary>Every host reports command outcomes here.</summary>
    public const string Events = "host-events";

    /// <summary>The table of host reports and heartbeats, one row per host.</summary>
    public const string HostsTable = "VeilHosts";

    /// <summary>The container holding each host's list of defined domains (<c>&lt;host&gt;/domains.json</c>).</summary>
    public const string HostsContainer = "veil-hosts";

    /// <summary>A host name usable in queue names: lowercase letters, digits and single hyphens, at most 50 characters.</summary>
    public const int MaxHostNameLength = 50;

    /// <summary>The queue a host takes its commands from.</summary>
    public static string Commands(string hostName) => "host-" + hostName;

    /// <summary>The container of guests' console logs, one blob per server (<see cref="ConsoleLogBlob"/>).</summary>
    public const string ConsoleContainer = "veil-console";

    /// <summary>How much of a console log a host publishes: its last 256 KiB.</summary>
    public const int ConsoleLogMaxBytes = 256 * 1024;

    /// <summary>The blob in <see cref="ConsoleContainer"/> with the end of a server's serial console.</summary>
    public static string ConsoleLogBlob(Guid serverId) => $"{serverId:D}.log";

    /// <summary>The blob in <see cref="HostsContainer"/> where a host publishes its <see cref="HostDomains"/>.</summary>
    public static string DomainsBlob(string hostName) => hostName + "/domains.json";

    /// <summary>The blob in <see cref="HostsContainer"/> whose lease makes a host name one worker's.</summary>
    public static string NameLeaseBlob(string hostName) => hostName + "/lease";
}
