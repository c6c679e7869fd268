using System.Text.Json;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.DurableTask;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Puts a command on the host's queue <c>host-&lt;name&gt;</c>; its outcome comes back on host-events.</summary>
public sealed class SendHostCommand(StorageAccount storage) : TaskActivity<HostCommandRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, HostCommandRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var queue = await storage.QueueAsync(HostQueues.Commands(input.HostName));
        await queue.SendMessageAsync(JsonSerializer.Serialize(input.Command, VeilJson.Options), context.CancellationToken);
        return true;
    }
}
