using Veil.Hosting;
using Veil.Storage;

namespace Veil.Orchestrations.Boot;

/// <summary>How boots are carried out, bound from <c>Boot</c> and checked at start.</summary>
public sealed class BootOptions : ICheckedOptions
{
    public const string Section = "Boot";

    /// <summary>How long a host may take to take a command off its queue before the boot tries the next host (1 s - 10 min, at most <see cref="HostResultTimeout"/>). Default 10 s.</summary>
    public TimeSpan HostAckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a host that took a command may take to answer it before the boot tries the next host (1 s - 1 h). Default 60 s.</summary>
    public TimeSpan HostResultTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Hosts tried per boot (1-10). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>A host whose heartbeat is older than this is not chosen (5 s - 1 h). Default 60 s.</summary>
    public TimeSpan HeartbeatWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the claim reconciler runs (5 s - 1 h). Default 60 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Claims younger than this are left alone, their boot may still be running (0 - 1 day). Default 5 min.</summary>
    public TimeSpan ReconcileGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a delete waits for a running boot of the same server to end before it goes ahead anyway (1 min - 1 day). Default 15 min.</summary>
    public TimeSpan BootSettleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The queue hosts report outcomes on. Default <c>host-events</c>.</summary>
    public string HostEventsQueue { get; set; } = Shared.Contracts.HostQueues.Events;

    /// <summary>The limits a boot or delete scheduled now runs under.</summary>
    public BootLimits Limits() => new(MaxAttempts, HostAckTimeout, HostResultTimeout, BootSettleTimeout);

    public IEnumerable<string> Problems() => SettingRules.Of(
        SettingRules.Between($"{Section}:{nameof(HostAckTimeout)}", HostAckTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        HostAckTimeout <= HostResultTimeout ? null : $"{Section}:{nameof(HostAckTimeout)} is {SettingRules.Text(HostAckTimeout)}; it must not be longer than {Section}:{nameof(HostResultTimeout)} ({SettingRules.Text(HostResultTimeout)}).",
        SettingRules.Between($"{Section}:{nameof(HostResultTimeout)}", HostResultTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        SettingRules.Between($"{Section}:{nameof(MaxAttempts)}", MaxAttempts, 1, 10),
        SettingRules.Between($"{Section}:{nameof(HeartbeatWindow)}", HeartbeatWindow, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
        SettingRules.Between($"{Section}:{nameof(ReconcileInterval)}", ReconcileInterval, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
        SettingRules.Between($"{Section}:{nameof(ReconcileGrace)}", ReconcileGrace, TimeSpan.Zero, TimeSpan.FromDays(1)),
        SettingRules.Between($"{Section}:{nameof(BootSettleTimeout)}", BootSettleTimeout, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
        StorageNames.IsValidQueueName(HostEventsQueue) ? null : $"{Section}:{nameof(HostEventsQueue)} '{HostEventsQueue}' is not a valid queue name.");
}
