using Microsoft.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// Waits for the server's boot to end (a delete during BUILD must not race it: the boot may still claim a slot and
/// spawn), then destroys the domain on its host (if it has one), releases its ASID slot and marks it DELETED. The
/// wait is for the boot's <see cref="BootEvents.BootEnded"/>, checked again at growing intervals in case the boot
/// ended before it knew of the delete — not a poll every second.
/// </summary>
public sealed class DeleteServer : TaskOrchestrator<DeleteServerInput, ServerStatus>
{
    /// <summary>Every delete of a server has its own instance id under <see cref="InstanceIdPrefix"/>.</summary>
    public static string InstanceIdFor(Guid serverId, DateTimeOffset at) => $"{InstanceIdPrefix(serverId)}{at.ToUnixTimeMilliseconds()}";

    public static string InstanceIdPrefix(Guid serverId) => $"delete-{serverId:N}-";

    /// <summary>How many times a silent host is sent the destroy before the delete gives up.</summary>
    public const int DestroyTries = 3;

    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, DeleteServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var settings = input.Limits;
        var subject = await context.CallStepAsync<DeleteSubject>(nameof(ReadDeleteSubject), input);
        var giveUp = context.CurrentUtcDateTime + settings.BootSettleTimeout;
        var recheck = TimeSpan.FromSeconds(5);
        while (!subject.BootEnded && context.CurrentUtcDateTime < giveUp)
        {
            var told = false;
            try
            {
                // The boot's last act: its record is final even if its instance row does not say Completed yet.
                await context.WaitForExternalEvent<Guid>(BootEvents.BootEnded, recheck);
                told = true;
            }
            catch (TaskCanceledException)
            {
                recheck = TimeSpan.FromSeconds(Math.Min(recheck.TotalSeconds * 2, 60));
            }

            subject = await context.CallStepAsync<DeleteSubject>(nameof(ReadDeleteSubject), input);
            subject = told ? subject with { BootEnded = true } : subject;
        }

        var server = subject.Server;
        if (server?.HostName is { } host)
        {
            // Destroy is idempotent: a host that stays silent (restarting, or slow on a busy machine) is asked again,
            // a few times, before the delete ends in ERROR — a server left ERROR still holds its domain and slot.
            HostAnswer reply;
            var tries = 0;
            do
            {
                var command = new HostCommand(context.NewGuid(), HostCommandKind.Destroy, input.ServerId, null, context.InstanceId);
                await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(host, command));
                reply = await HostAnswer.WaitAsync(context, command.CommandId, host, settings.NothingElseToTry());
            }
            while (reply.Outcome is null && ++tries < DestroyTries);

            var answer = reply.Outcome;
            if (answer is not { Outcome: HostCommandOutcome.Succeeded })
            {
                var why = answer is null ? $"{reply.Silence()}, {DestroyTries} times" : $"{answer.Failure}";
                var failed = new DeleteOutcome(input.ProjectId, input.ServerId, ServerStatus.Error, null, $"Deleting failed on {host}: {why}",
                    $"Deleting failed on the server's host ({answer?.Failure?.CodeWord ?? "no answer"}); delete it again, or ask an administrator.");
                await context.CallStepAsync<bool>(nameof(FinishDelete), failed);
                throw new ServerActionFailedException(failed.Fault!);
            }
        }

        var held = server is { ProviderName: { } provider, AsidSlot: { } slot } ? new AsidClaim(server.HostName ?? "", provider, slot, input.ServerId) : null;
        await context.CallStepAsync<bool>(nameof(FinishDelete), new DeleteOutcome(input.ProjectId, input.ServerId, ServerStatus.Deleted, held));
        return ServerStatus.Deleted;
    }
}
