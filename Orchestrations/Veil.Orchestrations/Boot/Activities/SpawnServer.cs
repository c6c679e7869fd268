using Microsoft.DurableTask;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// Records on the server that it is spawning on the host, with the slot it holds, then asks the host to spawn.
/// A server that is being deleted is not spawned: what the boot holds is recorded for the delete to release.
/// </summary>
public sealed class SpawnServer(ServerStore servers, HostCommands commands) : TaskActivity<SpawnRequest, SpawnStarted>
{
    public override async Task<SpawnStarted> RunAsync(TaskActivityContext context, SpawnRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var server = await servers.UpdateAsync(input.ProjectId, input.Command.ServerId, s =>
            s.WithBootProgress(ServerStep.Spawning, input.HostName, input.Claim?.ProviderName, input.Claim?.Slot));
        if (server is null or { IsBeingDeleted: true })
        {
            return new SpawnStarted(false, server?.DeleteInstanceId);
        }

        await commands.SendAsync(input.HostName, input.Command);
        return new SpawnStarted(true, null);
    }
}
