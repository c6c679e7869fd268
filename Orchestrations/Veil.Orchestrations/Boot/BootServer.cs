using Veil.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// A tenant's boot: select hosts → claim an ASID slot → ask the host to spawn → wait for its answer, raced with a
/// durable timeout. A failed or silent host gets its claim released (and a destroy, in case it answers late) and the
/// next alternate is tried. Ends ACTIVE, or ERROR with a fault that says exactly why.
/// </summary>
public sealed class BootServer(Microsoft.Extensions.Options.IOptions<BootOptions> options) : TaskOrchestrator<BootServerInput, ServerStatus>
{
    /// <summary>A server's boot has one instance id, so it is scheduled once and can be found from the server.</summary>
    public static string InstanceIdFor(Guid serverId) => $"boot-{serverId:N}";

    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, BootServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var guest = input.Guest;
        await Step(context, input, "scheduling");
        var placement = await context.CallStepAsync<PlacementOutcome>(nameof(SelectHosts), guest);
        if (placement.Candidates.Count == 0)
        {
            return await Fail(context, input, placement.Explanation);
        }

        await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, guest.ServerId) { Placement = placement.Explanation });

        var failures = new List<string>();
        foreach (var candidate in placement.Candidates.Take(options.Value.MaxAttempts))
        {
            AsidClaim? claim = null;
            if (candidate.ProviderName is { } provider && candidate.Asids is { } asids)
            {
                await Step(context, input, "claiming-asid");
                claim = await context.CallStepAsync<AsidClaim?>(nameof(ClaimAsid), new ClaimRequest(candidate.HostName, provider, asids, guest.ServerId));
                if (claim is null)
                {
                    failures.Add($"{candidate.HostName}: its last free slot on {provider} was claimed by another boot");
                    continue;
                }
            }

            await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, guest.ServerId)
            {
                Step = "spawning",
                HostName = candidate.HostName,
                ProviderName = claim?.ProviderName,
                AsidSlot = claim?.Slot,
            });
            context.SetCustomStatus(new { step = "spawning", host = candidate.HostName, slot = claim?.Slot });
            var command = new HostCommand(context.NewGuid(), HostCommandKind.Spawn, guest.ServerId, guest, context.InstanceId);
            await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(candidate.HostName, command));
            var outcome = await WaitForHost(context, command.CommandId, options.Value.HostResultTimeout);
            if (outcome is { Outcome: HostCommandOutcome.Succeeded })
            {
                await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, guest.ServerId)
                {
                    Status = ServerStatus.Active,
                    Step = "active",
                    DomainXml = outcome.DomainXml,
                });
                context.SetCustomStatus(new { step = "active", host = candidate.HostName, slot = claim?.Slot });
                return ServerStatus.Active;
            }

            failures.Add(outcome is null
                ? $"{candidate.HostName}: no answer within {options.Value.HostResultTimeout.TotalSeconds:F0} s"
                : $"{candidate.HostName}: {outcome.Failure?.Code}: {outcome.Failure?.Message}");
            if (outcome is null)
            {
                // It may still spawn later: make sure it does not keep a guest nobody owns.
                await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(
                    candidate.HostName, new HostCommand(context.NewGuid(), HostCommandKind.Destroy, guest.ServerId, null, context.InstanceId)));
            }

            if (claim is not null)
            {
                await context.CallStepAsync<int>(nameof(ReleaseAsid), claim);
            }
        }

        return await Fail(context, input, $"No valid host was found: every host tried failed ({string.Join("; ", failures)}). {placement.Explanation}");
    }

    /// <summary>The host's answer to this command, or null after the timeout. Answers to earlier commands are skipped.</summary>
    internal static async Task<HostEvent?> WaitForHost(TaskOrchestrationContext context, Guid commandId, TimeSpan timeout)
    {
        var deadline = context.CurrentUtcDateTime + timeout;
        while (context.CurrentUtcDateTime < deadline)
        {
            try
            {
                var answer = await context.WaitForExternalEvent<HostEvent>(BootEvents.HostResult, deadline - context.CurrentUtcDateTime);
                if (answer.CommandId == commandId)
                {
                    return answer;
                }
            }
            catch (TaskCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    private static async Task Step(TaskOrchestrationContext context, BootServerInput input, string step)
    {
        context.SetCustomStatus(new { step });
        await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.Guest.ServerId) { Step = step });
    }

    private static async Task<ServerStatus> Fail(TaskOrchestrationContext context, BootServerInput input, string fault)
    {
        context.SetCustomStatus(new { step = "error", fault });
        await context.CallStepAsync<bool>(nameof(RecordServer), new ServerUpdate(input.ProjectId, input.Guest.ServerId)
        {
            Status = ServerStatus.Error,
            Step = "error",
            Fault = fault,
            ClearPlacement = true,
        });
        return ServerStatus.Error;
    }
}
