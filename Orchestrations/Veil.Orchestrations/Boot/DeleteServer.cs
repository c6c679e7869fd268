using Veil.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>Destroys the server's domain on its host (if it has one), releases its ASID slot and marks it DELETED.</summary>
public sealed class DeleteServer(Microsoft.Extensions.Options.IOptions<BootOptions> options) : TaskOrchestrator<DeleteServerInput, ServerStatus>
{
    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CallActivityAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Deleting, Step = "deleting" });
        var server = await context.CallActivityAsync<ServerRecord?>(nameof(ReadServer), input);
        if (server?.HostName is { } host)
        {
            var command = new HostCommand(context.NewGuid(), HostCommandKind.Destroy, input.ServerId, null, context.InstanceId);
            await context.CallActivityAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(host, command));
            var outcome = await BootServer.WaitForHost(context, command.CommandId, options.Value.HostResultTimeout);
            if (outcome is not { Outcome: HostCommandOutcome.Succeeded })
            {
                var why = outcome is null ? "no answer" : $"{outcome.Failure?.Code}: {outcome.Failure?.Message}";
                await context.CallActivityAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Error, Step = "error", Fault = $"Deleting failed on {host}: {why}" });
                return ServerStatus.Error;
            }
        }

        if (server is { ProviderName: { } provider, AsidSlot: { } slot })
        {
            await context.CallActivityAsync<int>(nameof(ReleaseAsid), new AsidClaim(server.HostName ?? "", provider, slot, input.ServerId));
        }

        await context.CallActivityAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Deleted, Step = "deleted", ClearPlacement = true });
        return ServerStatus.Deleted;
    }
}

/// <summary>Reads a server's record (for orchestrations that need its host and slot).</summary>
public sealed class ReadServer(ServerStore servers) : TaskActivity<DeleteServerInput, ServerRecord?>
{
    public override Task<ServerRecord?> RunAsync(TaskActivityContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return servers.GetAsync(input.ProjectId, input.ServerId, context.CancellationToken);
    }
}
