using Veil.Orchestrations.IntegrationTests;
using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>
/// The Orchestrations service and one HostWorker on a real libvirtd (<see cref="PrivateLibvirtd"/>) running QEMU
/// under TCG with user-mode networking: the stack a new user gets from <c>./veil run</c>'s real host.
/// </summary>
public sealed class RealVeil : LocalVeil
{
    private PrivateLibvirtd? daemon;

    public PrivateLibvirtd Daemon => daemon ?? throw new InvalidOperationException("The daemon has not started.");

    public string RealHost => "qemu-" + Suffix;

    public string InstancesPath => Path.Combine(Daemon.Root, "instances");

    protected override IReadOnlyList<(string Name, string Fixture, int? SevGuestLimit)> HostSet() => [];

    protected override IReadOnlyList<(string Name, IReadOnlyDictionary<string, string?> Settings)> RealHosts() =>
    [
        (RealHost, new Dictionary<string, string?>
        {
            ["HostWorker:LibvirtUri"] = Daemon.Uri,
            ["HostWorker:DomainType"] = "qemu",
            ["HostWorker:NetworkType"] = "user",
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
    }
}
