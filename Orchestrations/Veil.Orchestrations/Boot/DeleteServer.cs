using Microsoft.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// Deletes a server: first terminates its boot if that is still running (a delete never goes ahead beside its boot,
/// which could still claim a slot or spawn) and waits until the boot has ended, then destroys the domain on its host
/// (if it has one), releases every ASID slot the server holds and marks it DELETED. The wait is for the boot's
/// <see cref="BootEvents.BootEnded"/> (sent when it ended by itself) or its instance to stop, checked at growing
/// intervals — not a poll every second. A boot that does not stop within <see cref="BootLimits.BootSettleTimeout"/>
/// leaves the server ERROR, untouched, to be deleted again.
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
        if (!subject.BootEnded)
        {
            await context.CallStepAsync<bool>(nameof(TerminateBoot), input);
            var giveUp = context.CurrentUtcDateTime + settings.BootSettleTimeout;
            var recheck = TimeSpan.FromSeconds(1);
            while (!subject.BootEnded && context.CurrentUtcDateTime < giveUp)
            {
                var told = false;
                try
                {
                    // The boot's last act when it ends by itself: its record is final even if its instance row does not say so yet.
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

            if (!subject.BootEnded)
            {
                var fault = $"Deleting failed: its boot {BootServer.InstanceIdFor(input.ServerId)} was terminated but had not stopped after {settings.BootSettleTimeout.TotalMinutes:F0} min; nothing was destroyed or released.";
                await context.CallStepAsync<bool>(nameof(FinishDelete), new DeleteOutcome(input.ProjectId, input.ServerId, ServerStatus.Error, fault,
                    "Deleting failed while the server was still booting; delete it again, or ask an administrator."));
                throw new ServerActionFailedException(fault);
            }
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
                var command = HostCommands.Issue(context, HostCommandKind.Destroy, input.ServerId);
                await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(host, command));
                reply = await HostAnswer.WaitAsync(context, command.CommandId, host, settings.NothingElseToTry());
            }
            while (reply.Outcome is null && ++tries < DestroyTries);

            var answer = reply.Outcome;
            if (answer is not { Outcome: HostCommandOutcome.Succeeded })
            {
                var why = answer is null ? $"{reply.Silence()}, {DestroyTries} times" : $"{answer.Failure}";
                var failed = new DeleteOutcome(input.ProjectId, input.ServerId, ServerStatus.Error, $"Deleting failed on {host}: {why}",
                    $"Deleting failed on the server's host ({answer?.Failure?.CodeWord ?? "no answer"}); delete it again, or ask an administrator.");
                await context.CallStepAsync<bool>(nameof(FinishDelete), failed);
                throw new ServerActionFailedException(failed.Fault!);
            }
        }

        await context.CallStepAsync<bool>(nameof(FinishDelete), new DeleteOutcome(input.ProjectId, input.ServerId, ServerStatus.Deleted));
        return ServerStatus.Deleted;
    }
}
