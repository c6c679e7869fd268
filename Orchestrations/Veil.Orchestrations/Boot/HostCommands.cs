using System.Text.Json;
using Microsoft.DurableTask;
using Veil.ServiceDefaults;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Storage;

namespace Veil.Orchestrations.Boot;

/// <summary>Sends commands to a host's queue <c>host-&lt;name&gt;</c>, carrying the sending span's trace.</summary>
public sealed class HostCommands(StorageAccount storage)
{
    /// <summary>
    /// A command an orchestration issues: a replay-safe id and time, and the orchestration as the one its answer goes to.
    /// </summary>
    public static HostCommand Issue(TaskOrchestrationContext context, HostCommandKind kind, Guid serverId, GuestSpec? guest = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new HostCommand(context.NewGuid(), kind, serverId, context.CurrentUtcDateTime, guest, context.InstanceId);
    }

    public async Task SendAsync(string hostName, HostCommand command, CancellationToken cancellationToken = default)
    {
        var queue = await storage.QueueAsync(HostQueues.Commands(hostName));
        var traced = command with { TraceParent = VeilTelemetry.CurrentTraceParent() ?? command.TraceParent };
        await queue.SendMessageAsync(JsonSerializer.Serialize(traced, VeilJson.Options), cancellationToken);
    }
}
