using Microsoft.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// A power action (nova's os-stop, os-start, reboot): the command to the server's host, its answer raced with a
/// durable timeout, and the server's new status recorded. A host that fails or does not answer leaves the server
/// as it was, with the reason in its fault (and the orchestration fails with it); the slot and the domain stay
/// with the server either way.
/// </summary>
public sealed class PowerServer : TaskOrchestrator<PowerServerInput, ServerStatus>
{
    /// <summary>Every power action of a server has its own instance id under <see cref="InstanceIdPrefix"/>.</summary>
    public static string InstanceIdFor(Guid serverId, DateTimeOffset at) => $"{InstanceIdPrefix(serverId)}{at.ToUnixTimeMilliseconds()}";

    public static string InstanceIdPrefix(Guid serverId) => $"power-{serverId:N}-";

    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, PowerServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var command = HostCommands.Issue(context, input.Kind, input.ServerId);
        await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(input.HostName, command));
        var reply = await HostAnswer.WaitAsync(context, command.CommandId, input.HostName, input.Limits.NothingElseToTry());
        var answer = reply.Outcome;
        var before = PowerActions.Needs(input.Kind);
        var outcome = answer switch
        {
            { Outcome: HostCommandOutcome.Succeeded } => new PowerOutcome(input.ProjectId, input.ServerId, PowerActions.Leaves(input.Kind), null),
            null => new PowerOutcome(input.ProjectId, input.ServerId, before, $"{VeilJson.Word(input.Kind)} on {input.HostName}: {reply.Silence()}",
                $"The {VeilJson.Word(input.Kind)} got no answer from the server's host; the server is as it was."),
            _ => new PowerOutcome(input.ProjectId, input.ServerId, before, $"{VeilJson.Word(input.Kind)} on {input.HostName}: {answer.Failure}",
                $"The {VeilJson.Word(input.Kind)} failed ({answer.Failure?.CodeWord}); the server is as it was."),
        };
        await context.CallStepAsync<bool>(nameof(RecordPowerOutcome), outcome);
        return outcome.Fault is { } fault ? throw new ServerActionFailedException(fault) : outcome.Status;
    }
}
