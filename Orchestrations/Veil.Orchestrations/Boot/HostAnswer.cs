using Microsoft.DurableTask;
using Veil.Shared.Contracts;
using Veil.TaskHub.Authoring;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// How a host answered a command an orchestration sent it: the outcome, or why there is none — the host never took
/// the command (gone, or its queue unread), or took it and fell silent — under the <paramref name="Limits"/> it was
/// waited for with.
/// </summary>
public sealed record HostAnswer(HostEvent? Outcome, bool Taken, BootLimits Limits)
{
    /// <summary>How early a durable timer can fire (queue visibility counts whole seconds, `docs/durable-engine.md`).</summary>
    public static readonly TimeSpan TimerSlack = TimeSpan.FromSeconds(1);

    /// <summary>Why there is no outcome, for operators, naming the limit that ran out.</summary>
    public string Silence() => Taken
        ? $"no answer within {Limits.HostResultTimeout.TotalSeconds:F0} s"
        : $"did not take the command within {Limits.HostAckTimeout.TotalSeconds:F0} s";

    /// <summary>
    /// Waits, on durable timers, for <paramref name="hostName"/> to take the command (<see cref="BootLimits.HostAckTimeout"/>),
    /// then for its outcome (<see cref="BootLimits.HostResultTimeout"/> from when it took it). Events of other commands,
    /// events that name another host than the one the command went to, and a repeated acceptance are skipped; an
    /// outcome that arrives before its acceptance counts as both. Returns after a checkpoint
    /// (<see cref="Checkpoints.CheckpointAsync"/>): whether the host answered or timed out is then the committed
    /// history's, so a destroy sent on a timeout can never follow a rerun that took the host's success instead.
    /// </summary>
    public static async Task<HostAnswer> WaitAsync(TaskOrchestrationContext context, Guid commandId, string hostName, BootLimits limits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(limits);
        var answer = await RaceAsync(context, commandId, hostName, limits);
        await context.CheckpointAsync();
        return answer;
    }

    private static async Task<HostAnswer> RaceAsync(TaskOrchestrationContext context, Guid commandId, string hostName, BootLimits limits)
    {
        var taken = false;
        var deadline = context.CurrentUtcDateTime + limits.HostAckTimeout;
        while (context.CurrentUtcDateTime < deadline)
        {
            HostEvent answer;
            try
            {
                answer = await context.WaitForExternalEvent<HostEvent>(BootEvents.HostResult, deadline - context.CurrentUtcDateTime);
            }
            catch (TaskCanceledException)
            {
                // The engine fires a timer up to a second early. One that fired sooner was a lost episode's, matched
                // to this wait's timer by its id: the wait goes on until its own deadline.
                if (deadline - context.CurrentUtcDateTime > TimerSlack)
                {
                    continue;
                }

                break;
            }

            if (answer.CommandId != commandId || !string.Equals(answer.HostName, hostName, StringComparison.Ordinal))
            {
                continue;
            }

            if (answer.Outcome != HostCommandOutcome.Accepted)
            {
                return new HostAnswer(answer, true, limits);
            }

            if (!taken)
            {
                taken = true;
                deadline = context.CurrentUtcDateTime + limits.HostResultTimeout;
            }
        }

        return new HostAnswer(null, taken, limits);
    }
}
