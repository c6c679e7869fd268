using Microsoft.Extensions.Options;
using Veil.HostWorker.Hypervisors;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;

namespace Veil.HostWorker.Probing;

/// <summary>
/// What this worker currently knows of its host: the latest probe and the capability rules' verdict on it. Commands
/// read it to check a guest's model and to fill in the host's part of the domain XML.
/// </summary>
public sealed class HostFacts(Hypervisor hypervisor, IOptions<HostWorkerOptions> options, TimeProvider time)
{
    private readonly HostWorkerOptions settings = options.Value;
    private volatile Snapshot? current;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public HostCapabilities Capabilities => Current.Capabilities;

    public HostProbeInputs Inputs => Current.Inputs;

    public DateTimeOffset ProbedAt => Current.At;

    private Snapshot Current => current ?? throw new InvalidOperationException("The host has not been probed yet.");

    /// <summary>Reads the host again and applies Shared's capability rules.</summary>
    public HostCapabilities Probe()
    {
        var probeOptions = settings.FixtureRoot is { } root
            ? HostProbeOptions.ForFixture(settings.HostName, root)
            : new HostProbeOptions { HostName = settings.HostName };
        probeOptions.SevGuestLimit = settings.SevGuestLimit;
        probeOptions.Network = hypervisor.IsSimulated ? null : settings.Network;
        probeOptions.VirtType = settings.EffectiveDomainType == "qemu" ? "qemu" : "kvm";
        var inputs = new HostProbe(hypervisor.Connection, probeOptions).Read();
        var capabilities = HostCapabilityRules.Evaluate(inputs);
        current = new Snapshot(inputs, capabilities, time.GetUtcNow());
        return capabilities;
    }

    /// <summary>The host's part of a guest's domain XML.</summary>
    public GuestHostParameters GuestParameters() => new()
    {
        DomainType = settings.EffectiveDomainType,
        // host-passthrough needs KVM; under TCG QEMU's default CPU model is used. A simulated host stands for a KVM
        // host, so its guests are defined as a KVM host's are (the guest's vCPU signature is then the host's).
        CpuMode = settings.EffectiveDomainType is "kvm" or "test" ? "host-passthrough" : null,
        LibvirtVersion = Inputs.LibvirtVersion ?? hypervisor.Connection.LibraryVersion,
        CBitPos = Capabilities.CBitPos,
        ReducedPhysBits = Capabilities.ReducedPhysBits,
        DefaultMachineType = settings.DefaultMachineType,
        InstancesPath = settings.EffectiveInstancesPath,
        Network = settings.Network,
    };

    private sealed record Snapshot(HostProbeInputs Inputs, HostCapabilities Capabilities, DateTimeOffset At);
}
