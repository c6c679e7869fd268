using Microsoft.Extensions.DependencyInjection;
using Veil.HostWorker.Hypervisors;
using Veil.Shared.Contracts;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>
/// A host may run domains Veil did not make (an operator's, another tool's). Whatever a command asks, the HostWorker
/// acts only on Veil's own domains, named <c>veil-&lt;uuid&gt;</c>, and reports only those.
/// </summary>
public sealed class ForeignDomainTests
{
    [Fact]
    public async Task ADomainNotNamedAsVeilsWithAServersUuid_IsNeitherDestroyedNorRespawnedNorReported()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var serverId = Guid.NewGuid();
        var hypervisor = worker.Services.GetRequiredService<Hypervisor>();
        using (var foreign = hypervisor.Connection.Define($"<domain type='test'><name>payroll</name><uuid>{serverId}</uuid><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"))
        {
            foreign.Start();
        }

        await worker.SendAsync(new HostCommand(Guid.NewGuid(), HostCommandKind.Destroy, serverId, DateTimeOffset.UtcNow, null, "delete-foreign"));
        var destroy = await worker.NextEventAsync();
        await worker.SendAsync(SimulatedHostWorker.Spawn(GuestSpecBuilder.NewSnp("clash") with { ServerId = serverId }));
        var spawn = await worker.NextEventAsync();

        foreach (var answer in new[] { destroy, spawn })
        {
            Assert.Equal(HostCommandOutcome.Refused, answer.Outcome);
            Assert.Equal(HostFailureCode.NotVeilsDomain, answer.Failure!.Code);
            Assert.Contains("named 'payroll'", answer.Failure.Message, StringComparison.Ordinal);
        }

        using var still = hypervisor.Connection.FindByUuid(serverId);
        Assert.Equal(("payroll", Libvirt.DomainState.Running), (still!.Name, still.State));
        Assert.DoesNotContain(hypervisor.ListDomains(), d => d.ServerId == serverId);
    }
}
