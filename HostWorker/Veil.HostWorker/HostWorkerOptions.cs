using Veil.Hosting;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;

namespace Veil.HostWorker;

/// <summary>One HostWorker's settings, bound from the <c>HostWorker</c> section.</summary>
public sealed class HostWorkerOptions : ICheckedOptions
{
    public const string Section = "HostWorker";

    /// <summary>The host's name in Veil: its queue is <c>host-&lt;name&gt;</c>. Lowercase letters, digits, single hyphens. Default: the machine name.</summary>
    public string HostName { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>libvirt connection URI. Default <c>qemu:///system</c>; for a simulated host, a private <c>test:///</c> hypervisor.</summary>
    public string? LibvirtUri { get; set; }

    /// <summary>A fixture folder laid out like a host's root (docs/rules.md, "Host fixtures"): makes this a simulated host.</summary>
    public string? FixtureRoot { get; set; }

    /// <summary>Where a simulated host keeps its domains between runs (as libvirtd keeps /etc/libvirt/qemu). Default <c>.veil/hosts/&lt;name&gt;</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>The operator's SEV guest limit (nova's <c>[libvirt]num_memory_encrypted_guests</c>); overrides detection, mismatch warned.</summary>
    public int? SevGuestLimit { get; set; }

    /// <summary>The default machine type for guests whose image names none; null means q35.</summary>
    public string? DefaultMachineType { get; set; }

    /// <summary>Where instance files live, one folder per server id. Default <c>/var/lib/veil/instances</c>.</summary>
    public string InstancesPath { get; set; } = "/var/lib/veil/instances";

    /// <summary>The libvirt network guests join. Default <c>default</c>.</summary>
    public string NetworkName { get; set; } = "default";

    /// <summary>How often the host is probed and its report republished (10 s - 1 h). Default 60 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the heartbeat is written (1 s - 5 min). Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where command outcomes go. Default <c>host-events</c>.</summary>
    public string EventsQueue { get; set; } = Shared.Contracts.HostQueues.Events;

    /// <summary>How the command queue is consumed.</summary>
    public QueueTriggerOptions Commands { get; set; } = new();

    public bool Simulated => FixtureRoot is not null;

    public string EffectiveStateDirectory => Path.GetFullPath(StateDirectory ?? Path.Combine(".veil", "hosts", HostName));

    public IEnumerable<string> Problems()
    {
        if (HostName.Length > HostQueues.MaxHostNameLength || !StorageNames.IsValidQueueName(HostQueues.Commands(HostName)))
        {
            yield return $"{Section}:{nameof(HostName)} '{HostName}' must be 1-{HostQueues.MaxHostNameLength} lowercase letters, digits and single hyphens (it names the queue host-<name>).";
        }

        if (FixtureRoot is { } root && !Directory.Exists(root))
        {
            yield return $"{Section}:{nameof(FixtureRoot)} '{root}' does not exist.";
        }

        if (SevGuestLimit is < 0)
        {
            yield return $"{Section}:{nameof(SevGuestLimit)} {SevGuestLimit} must not be negative.";
        }

        if (!StorageNames.IsValidQueueName(EventsQueue))
        {
            yield return $"{Section}:{nameof(EventsQueue)} '{EventsQueue}' is not a valid queue name.";
        }

        var ranges = SettingRules.Of(
            SettingRules.Between($"{Section}:{nameof(ProbeInterval)}", ProbeInterval, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            SettingRules.Between($"{Section}:{nameof(HeartbeatInterval)}", HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
        foreach (var problem in ranges.Concat(Commands.Problems($"{Section}:{nameof(Commands)}")))
        {
            yield return problem;
        }
    }
}
