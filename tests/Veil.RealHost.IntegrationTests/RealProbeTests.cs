using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;

namespace Veil.RealHost.IntegrationTests;

/// <summary>The probe on this machine's real libvirt: the checklist names the network guests would join when it is missing.</summary>
public sealed class RealProbeTests(RealDaemon real) : IClassFixture<RealDaemon>
{
    private ChecklistItem NetworkLine(GuestNetwork network)
    {
        using var libvirt = LibvirtConnection.Open(real.Daemon.Uri);
        var inputs = new HostProbe(libvirt, new HostProbeOptions { HostName = "probe", Network = network, VirtType = "qemu" }).Read();
        return HostCapabilityRules.Evaluate(inputs).Checklist.Single(c => c.Id == "network");
    }

    [Fact]
    public void MissingLibvirtNetwork_LineNotMet_NamesItAndWhatToDo()
    {
        var line = NetworkLine(new GuestNetwork(GuestNetworkType.Network, "veil-no-such-net"));

        Assert.Equal(ChecklistStatus.NotMet, line.Status);
        Assert.Contains("'veil-no-such-net'", line.Requirement, StringComparison.Ordinal);
        Assert.Contains("veil-no-such-net", line.Observed, StringComparison.Ordinal);
        Assert.Contains("HostWorker:NetworkType", line.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBridge_LineNotMet_UserModeNetworking_Met()
    {
        var bridge = NetworkLine(new GuestNetwork(GuestNetworkType.Bridge, "veilnobr0"));
        var user = NetworkLine(new GuestNetwork(GuestNetworkType.User, null));

        Assert.Equal(ChecklistStatus.NotMet, bridge.Status);
        Assert.Equal("this host has no bridge 'veilnobr0'", bridge.Observed);
        Assert.Equal(ChecklistStatus.Met, user.Status);
        Assert.Null(user.Remedy);
    }
}
