using Veil.Hosting;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
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

    /// <summary>A fixture folder laid out like a host's root (docs/rules.md, "Host fixtures"): the probe reads it instead
    /// of this machine; without <see cref="LibvirtUri"/> it makes this a simulated host.</summary>
    public string? FixtureRoot { get; set; }

    /// <summary>Where a simulated host keeps its domains between runs (as libvirtd keeps /etc/libvirt/qemu). Default <c>.veil/hosts/&lt;name&gt;</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>The operator's SEV guest limit (nova's <c>[libvirt]num_memory_encrypted_guests</c>); overrides detection, mismatch warned.</summary>
    public int? SevGuestLimit { get; set; }

    /// <summary>The default machine type for guests whose image names none; null means q35.</summary>
    public string? DefaultMachineType { get; set; }

    /// <summary>libvirt's domain type for guests: <c>kvm</c> (default) or <c>qemu</c> (TCG: no hardware
    /// virtualisation, so no encrypted guests; for test and laptop hosts). A simulated host uses <c>test</c>.</summary>
    public string DomainType { get; set; } = "kvm";

    /// <summary>Where guests' disks and files live (libvirt pool <c>veil-instances</c>). Default
    /// <c>/var/lib/veil/instances</c>; a simulated host's is under its state directory.</summary>
    public string? InstancesPath { get; set; }

    /// <summary>Where image files fetched to this host are kept, by SHA-256 (libvirt pool <c>veil-images</c>).
    /// Default <c>/var/lib/veil/images</c>; a simulated host's is under its state directory.</summary>
    public string? ImageCachePath { get; set; }

    /// <summary>What guests' interfaces attach to: <c>network</c> (a libvirt network), <c>bridge</c> or <c>user</c>
    /// (QEMU's user-mode networking). Default <c>network</c>.</summary>
    public GuestNetworkType NetworkType { get; set; } = GuestNetworkType.Network;

    /// <summary>The libvirt network or the bridge guests join (ignored for <c>user</c>). Default <c>default</c>.</summary>
    public string NetworkSource { get; set; } = "default";

    /// <summary>How long a stop waits for the guest to shut down by itself before pulling the plug (0 s - 10 min). Default 30 s.</summary>
    public TimeSpan GracefulShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the host is probed and its report republished (10 s - 1 h). Default 60 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the heartbeat is written (1 s - 5 min). Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The file holding this host's credential, as an admin's enrollment issued it (JSON, readable by its owner only):
    /// the only access to storage the worker has. Required.
    /// </summary>
    public string? CredentialFile { get; set; }

    /// <summary>How the command queue is consumed.</summary>
    public QueueTriggerOptions Commands { get; set; } = new();

    /// <summary>A simulated host: its facts from <see cref="FixtureRoot"/> and its hypervisor libvirt's test driver. With
    /// a <see cref="LibvirtUri"/> as well, the facts are the fixture's but the hypervisor is real: a test of what a
    /// real QEMU says to guests an SEV host would accept.</summary>
    public bool Simulated => FixtureRoot is not null && LibvirtUri is null;

    public string EffectiveInstancesPath => Path.GetFullPath(InstancesPath ?? (Simulated ? Path.Combine(EffectiveStateDirectory, "instances") : "/var/lib/veil/instances"));

    public string EffectiveImageCachePath => Path.GetFullPath(ImageCachePath ?? (Simulated ? Path.Combine(EffectiveStateDirectory, "images") : "/var/lib/veil/images"));

    /// <summary>libvirt's domain type for this host's guests.</summary>
    public string EffectiveDomainType => Simulated ? "test" : DomainType;

    public GuestNetwork Network => new(NetworkType, NetworkType == GuestNetworkType.User ? null : NetworkSource);

    public string EffectiveStateDirectory => Path.GetFullPath(StateDirectory ?? Path.Combine(".veil", "hosts", HostName));

    private static bool IsLibvirtName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public IEnumerable<string> Problems()
    {
        if (!StorageNames.IsValidHostName(HostName))
        {
            yield return $"{Section}:{nameof(HostName)} '{HostName}' must be 1-{HostQueues.MaxHostNameLength} lowercase letters, digits and single hyphens (it names the queue host-<name>).";
        }

        if (FixtureRoot is { } root && !Directory.Exists(root))
        {
            yield return $"{Section}:{nameof(FixtureRoot)} '{root}' does not exist.";
        }

        if (DomainType is not ("kvm" or "qemu"))
        {
            yield return $"{Section}:{nameof(DomainType)} '{DomainType}' must be kvm or qemu.";
        }

        if (NetworkType != GuestNetworkType.User && !IsLibvirtName(NetworkSource))
        {
            yield return $"{Section}:{nameof(NetworkSource)} '{NetworkSource}' must name the {NetworkType.ToString().ToLowerInvariant()} guests join: letters, digits, '.', '_' or '-'.";
        }

        foreach (var (name, path) in new[] { (nameof(InstancesPath), InstancesPath), (nameof(ImageCachePath), ImageCachePath) })
        {
            if (path is not null && !Path.IsPathFullyQualified(path))
            {
                yield return $"{Section}:{name} '{path}' must be an absolute path.";
            }
        }

        if (SevGuestLimit is < 0)
        {
            yield return $"{Section}:{nameof(SevGuestLimit)} {SevGuestLimit} must not be negative.";
        }

        if (string.IsNullOrWhiteSpace(CredentialFile))
        {
            yield return $"{Section}:{nameof(CredentialFile)} is required: the file with the credential this host's enrollment issued (POST /api/hosts/<name>/credential, or Veil.Orchestrations enroll-host <name>).";
        }

        var ranges = SettingRules.Of(
            SettingRules.Between($"{Section}:{nameof(ProbeInterval)}", ProbeInterval, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            SettingRules.Between($"{Section}:{nameof(HeartbeatInterval)}", HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            SettingRules.Between($"{Section}:{nameof(GracefulShutdownTimeout)}", GracefulShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        foreach (var problem in ranges.Concat(Commands.Problems($"{Section}:{nameof(Commands)}")))
        {
            yield return problem;
        }
    }
}
