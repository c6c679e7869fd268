using Azure.Storage.Blobs.Specialized;
using Veil.HostWorker.Startup;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>A host name belongs to one running HostWorker: the second is refused, a restarted one is not.</summary>
public sealed class HostNameLeaseTests
{
    [Fact]
    public async Task SecondWorkerUnderTheSameName_RefusedNamingTheHost_StartsOnceTheFirstStops()
    {
        await using var first = new SimulatedHostWorker("rome-sev");
        await using var second = new SimulatedHostWorker("rome-sev", hostName: first.HostName);
        await first.StartAsync();

        var refused = await Assert.ThrowsAsync<HostStartupRefusedException>(second.StartAsync);
        Assert.Contains($"Another HostWorker holds host name '{first.HostName}'", refused.Message);
        await first.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Stop, Guid.NewGuid()));
        Assert.Equal(first.HostName, (await first.NextEventAsync()).HostName);

        await first.StopAsync();
        await second.StartAsync();
        await second.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Stop, Guid.NewGuid()));
        Assert.Equal(second.HostName, (await second.NextEventAsync()).HostName);
    }

    [Fact]
    public async Task RestartedWorker_ItsDeadPredecessorsLeaseStillHeld_TakesTheNameBack()
    {
        var state = Directory.CreateTempSubdirectory("veil-host-").FullName;
        try
        {
            string hostName;
            await using (var before = new SimulatedHostWorker("genoa-snp", state))
            {
                await before.StartAsync();
                hostName = before.HostName;
            }

            // The process died holding its name: a lease under its id that nobody renews or releases (an infinite
            // one, so only the same worker can take it).
            var workerId = File.ReadAllText(Path.Combine(state, "worker-id")).Trim();
            var blob = (await new StorageAccount(Azurite.Shared.ConnectionString).ContainerAsync(HostQueues.Container(hostName))).GetBlobClient(HostQueues.NameLeaseBlob);
            var leftOver = blob.GetBlobLeaseClient(workerId);
            await leftOver.AcquireAsync(TimeSpan.FromSeconds(-1));
            try
            {
                await using var after = new SimulatedHostWorker("genoa-snp", state, hostName);
                await after.StartAsync();
                await after.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Stop, Guid.NewGuid()));
                Assert.Equal(hostName, (await after.NextEventAsync()).HostName);

                await using var stranger = new SimulatedHostWorker("genoa-snp", hostName: hostName);
                Assert.Contains(hostName, (await Assert.ThrowsAsync<HostStartupRefusedException>(stranger.StartAsync)).Message);
            }
            catch
            {
                await leftOver.BreakAsync(TimeSpan.Zero);
                throw;
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task TwoWorkersOnOneStateDirectory_TheSecondRefusedNamingTheDirectory()
    {
        await using var first = new SimulatedHostWorker("intel-none");
        await using var second = new SimulatedHostWorker("intel-none", first.StateDirectory);
        await first.StartAsync();

        var refused = await Assert.ThrowsAsync<HostStartupRefusedException>(second.StartAsync);
        Assert.Contains($"Another HostWorker runs with state directory {first.StateDirectory}", refused.Message);
    }

    [Fact]
    public async Task WorkerIdFileNotAGuid_RefusedNamingTheFile()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        var path = Path.Combine(worker.StateDirectory, "worker-id");
        await File.WriteAllTextAsync(path, "not a guid\n");

        var refused = await Assert.ThrowsAsync<HostStartupRefusedException>(worker.StartAsync);
        Assert.Contains($"{path} does not hold a worker id", refused.Message);
    }
}
