using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>One private libvirtd for the tests of this assembly that need one.</summary>
public sealed class RealDaemon : IAsyncLifetime
{
    private PrivateLibvirtd? daemon;

    /// <summary>What a host on this machine gives a guest: TCG (nested KVM hangs here), no host CPU model, user-mode networking.</summary>
    public static readonly Veil.Shared.Guests.GuestHostParameters Tcg = GuestSpecBuilder.Host with
    {
        DomainType = "qemu",
        CpuMode = null,
        Network = new Veil.Shared.Guests.GuestNetwork(Veil.Shared.Guests.GuestNetworkType.User, null),
    };

    public PrivateLibvirtd Daemon => daemon ?? throw new InvalidOperationException("The daemon has not started.");

    public async ValueTask InitializeAsync() => daemon = await PrivateLibvirtd.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (daemon is not null)
        {
            await daemon.DisposeAsync();
        }
    }
}
