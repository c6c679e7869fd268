using Veil.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// Waits for the server's boot to settle (a delete during BUILD must not race it: the boot may still claim a slot
/// and spawn), then destroys the domain on its host (if it has one), releases its ASID slot and marks it DELETED.
/// </summary>
public sealed class DeleteServer(Microsoft.Extensions.Options.IOptions<BootOptions> options) : TaskOrchestrator<DeleteServerInput, ServerStatus>
{
    /// <summary>Every delete of a server has its own instance id under <see cref="InstanceIdPrefix"/>.</summary>
    public static string InstanceIdFor(Guid serverId, DateTimeOffset at) => $"{InstanceIdPrefix(serverId)}{at.ToUnixTimeMilliseconds()}";

    public static string InstanceIdPrefix(Guid serverId) => $"delete-{serverId:N}-";

    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Deleting, Step = "deleting", ByDelete = true });
        var giveUp = context.CurrentUtcDateTime + options.Value.BootSettleTimeout;
        while (!await context.CallStepAsync<bool>(nameof(BootSettled), input) && context.CurrentUtcDateTime < giveUp)
        {
            await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(1), CancellationToken.None);
        }

        var server = await context.CallStepAsync<ServerRecord?>(nameof(ReadServer), input);
        if (server?.HostName is { } host)
        {
            var command = new HostCommand(context.NewGuid(), HostCommandKind.Destroy, input.ServerId, null, context.InstanceId);
            await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(host, command));
            var outcome = await BootServer.WaitForHost(context, command.CommandId, options.Value.HostResultTimeout);
            if (outcome is not { Outcome: HostCommandOutcome.Succeeded })
            {
                var why = outcome is null ? "no answer" : $"{outcome.Failure?.Code}: {outcome.Failure?.Message}";
                await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Error, Step = "error", Fault = $"Deleting failed on {host}: {why}", ByDelete = true });
                return ServerStatus.Error;
            }
        }

        if (server is { ProviderName: { } provider, AsidSlot: { } slot })
        {
            await context.CallStepAsync<int>(nameof(ReleaseAsid), new AsidClaim(server.HostName ?? "", provider, slot, input.ServerId));
        }

        await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.ServerId) { Status = ServerStatus.Deleted, Step = "deleted", ClearPlacement = true, ByDelete = true });
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

/// <summary>Whether the server's boot orchestration has ended (or never existed): a delete may then proceed.</summary>
public sealed class BootSettled(Veil.DurableTask.DurableTaskClient client) : TaskActivity<DeleteServerInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var boot = await client.GetInstanceAsync(BootServer.InstanceIdFor(input.ServerId), getInputsAndOutputs: false, context.CancellationToken);
        return boot is null || boot.RuntimeStatus.IsTerminal();
    }
}
