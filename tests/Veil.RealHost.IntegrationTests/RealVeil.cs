using Veil.Orchestrations.IntegrationTests;
using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>The Orchestrations service and one HostWorker on a real libvirtd of its own (<see cref="PrivateLibvirtd"/>).</summary>
public abstract class RealHostVeil : LocalVeil
{
    private PrivateLibvirtd? daemon;

    public PrivateLibvirtd Daemon => daemon ?? throw new InvalidOperationException("The daemon has not started.");

    public string RealHost => "qemu-" + Suffix;

    public string InstancesPath => Path.Combine(Daemon.Root, "instances");

    /// <summary>The real host's own settings beside its libvirt URI and paths.</summary>
    protected abstract IReadOnlyDictionary<string, string?> HostSettings();

    protected override IReadOnlyList<(string Name, string Fixture, int? SevGuestLimit)> HostSet() => [];

    protected override IReadOnlyList<(string Name, IReadOnlyDictionary<string, string?> Settings)> RealHosts() =>
    [
        (RealHost, new Dictionary<string, string?>(HostSettings())
        {
            ["HostWorker:LibvirtUri"] = Daemon.Uri,
            ["HostWorker:InstancesPath"] = InstancesPath,
            ["HostWorker:ImageCachePath"] = Path.Combine(Daemon.Root, "images"),
        }),
    ];

    public override async ValueTask InitializeAsync()
    {
        daemon = await PrivateLibvirtd.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (daemon is not null)
        {
            await daemon.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A host as <c>./veil run</c>'s real host is: QEMU under TCG (no hardware virtualisation here) with user-mode
/// networking, probed for real, so it offers plain guests only.
/// </summary>
public sealed class RealVeil : RealHostVeil
{
    protected override IReadOnlyDictionary<string, string?> HostSettings() => new Dictionary<string, string?>
    {
        ["HostWorker:DomainType"] = "qemu",
        ["HostWorker:NetworkType"] = "user",
        // The demo guest has no ACPI daemon: a stop pulls the plug after this.
        ["HostWorker:GracefulShutdownTimeout"] = "00:00:02",
    };
}

/// <summary>
/// A host whose facts are an SNP host's (the genoa-snp fixture: it offers SEV, SEV-ES and SNP) but whose libvirt is
/// this machine's real one: what a real QEMU without SEV says to the encrypted guests such a host accepts.
/// </summary>
public sealed class SevFactsOnRealQemu : RealHostVeil
{
    protected override IReadOnlyDictionary<string, string?> HostSettings() => new Dictionary<string, string?>
    {
        ["HostWorker:FixtureRoot"] = RepoPaths.HostFixture("genoa-snp"),
        ["HostWorker:DomainType"] = "kvm",
        ["HostWorker:NetworkType"] = "user",
    };
}
