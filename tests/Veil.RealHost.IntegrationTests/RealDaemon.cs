using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>One private libvirtd for the tests of this assembly that need one.</summary>
public sealed class RealDaemon : IAsyncLifetime
{
    private PrivateLibvirtd? daemon;

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
