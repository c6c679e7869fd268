using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Whether the server's boot has ended (or never existed), and the server as recorded: what a delete acts on.</summary>
public sealed class ReadDeleteSubject(ServerStore servers, DurableTaskClient client) : TaskActivity<DeleteServerInput, DeleteSubject>
{
    public override async Task<DeleteSubject> RunAsync(TaskActivityContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var boot = await client.GetInstanceAsync(BootServer.InstanceIdFor(input.ServerId));
        return new DeleteSubject(boot is null or { IsCompleted: true }, await servers.GetAsync(input.ProjectId, input.ServerId));
    }
}
