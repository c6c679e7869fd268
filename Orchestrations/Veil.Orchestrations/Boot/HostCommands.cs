using System.Text.Json;
using Veil.ServiceDefaults;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Boot;

/// <summary>Sends commands to a host's queue <c>host-&lt;name&gt;</c>, carrying the sending span's trace.</summary>
public sealed class HostCommands(StorageAccount storage)
{
    public async Task SendAsync(string hostName, HostCommand command, CancellationToken cancellationToken = default)
    {
        var queue = await storage.QueueAsync(HostQueues.Commands(hostName));
        var traced = command with { TraceParent = VeilTelemetry.CurrentTraceParent() ?? command.TraceParent };
        await queue.SendMessageAsync(JsonSerializer.Serialize(traced, VeilJson.Options), cancellationToken);
    }
}
