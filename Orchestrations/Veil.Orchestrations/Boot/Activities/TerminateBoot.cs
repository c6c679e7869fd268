using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// Terminates the server's boot if it is still running, so that its delete never goes ahead beside it (the boot
/// could still claim a slot or send a spawn). True when there was a running boot to terminate.
/// </summary>
public sealed class TerminateBoot(DurableTaskClient client) : TaskActivity<DeleteServerInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bootId = BootServer.InstanceIdFor(input.ServerId);
        if (await client.GetInstanceAsync(bootId) is not { IsCompleted: false })
        {
            return false;
        }

        await client.TerminateInstanceAsync(bootId, new TerminateInstanceOptions($"The server was deleted ({context.InstanceId}) while it was booting."));
        return true;
    }
}
