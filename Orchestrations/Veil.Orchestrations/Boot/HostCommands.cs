using System.Text.Json;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Boot;

/// <summary>Sends commands to a host's queue <c>host-&lt;name&gt;</c>.</summary>
public sealed class HostCommands(StorageAccount storage)
{
    public async Task SendAsync(string hostName, HostCommand command, CancellationToken cancellationToken = default)
    {
        var queue = await storage.QueueAsync(HostQueues.Commands(hostName));
        await queue.SendMessageAsync(JsonSerializer.Serialize(command, VeilJson.Options), cancellationToken);
    }
}
