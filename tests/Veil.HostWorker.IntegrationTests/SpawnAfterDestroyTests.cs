using Microsoft.Extensions.DependencyInjection;
using Veil.HostWorker.Hypervisors;
using Veil.Shared.Contracts;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>
/// A spawn can reach a host after the destroy its boot sent when it gave up on that host (a redelivery, a queue
/// that was not read for a while). Carried out, it would define a guest nobody owns; the host refuses it, also
/// after a restart, while a spawn issued after the destroy (a new boot) still goes ahead.
/// </summary>
public sealed class SpawnAfterDestroyTests
{
    [Fact]
    public async Task SpawnIssuedBeforeADestroyCarriedOut_RefusedAndNothingDefined_EvenAfterARestart()
    {
        var state = Directory.CreateTempSubdirectory("veil-host-").FullName;
        try
        {
            var hostName = "genoa-" + Guid.NewGuid().ToString("N")[..12];
            var guest = GuestSpecBuilder.NewSnp("late");
            var spawnIssued = DateTimeOffset.UtcNow;
            var late = SimulatedHostWorker.Spawn(guest) with { IssuedAt = spawnIssued };
            var destroy = SimulatedHostWorker.Command(HostCommandKind.Destroy, guest.ServerId) with { IssuedAt = spawnIssued + TimeSpan.FromSeconds(10) };
            await using (var worker = new SimulatedHostWorker("genoa-snp", state, hostName))
            {
                await worker.StartAsync();
                await worker.SendAsync(destroy);
                Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);
            }

            await using var restarted = new SimulatedHostWorker("genoa-snp", state, hostName);
            await restarted.StartAsync();
            await restarted.SendAsync(late);
            var refused = await restarted.NextEventAsync();

            Assert.Equal(HostCommandOutcome.Refused, refused.Outcome);
            Assert.Equal(HostFailureCode.DestroyedSince, refused.Failure!.Code);
            Assert.Contains("after this spawn was issued", refused.Failure.Message, StringComparison.Ordinal);
            using var none = restarted.Services.GetRequiredService<Hypervisor>().Connection.FindByUuid(guest.ServerId);
            Assert.Null(none);

            // A new boot of the same server, issued after the destroy, is carried out.
            await restarted.SendAsync(SimulatedHostWorker.Spawn(guest) with { IssuedAt = destroy.IssuedAt + TimeSpan.FromSeconds(1) });
            var spawned = await restarted.NextEventAsync();
            Assert.Equal((HostCommandOutcome.Succeeded, "running"), (spawned.Outcome, spawned.DomainState));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
