using Microsoft.DurableTask;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// A tenant's boot, in the user's three steps — schedule (placement), claim an ASID slot, spawn — each an activity
/// that records its own progress on the server, then the host's answer raced with durable timeouts: a short one for
/// the host to take the command, a long one for the spawn. A failed or silent host gets its claim released (and a
/// destroy, in case it answers late) and the next alternate is tried.
/// Ends ACTIVE (completed), or ERROR with a fault that says exactly why (the orchestration then fails with it); a
/// boot overtaken by a delete stops before spawning and leaves what it holds to the delete, which it tells when it ends.
/// </summary>
public sealed class BootServer : TaskOrchestrator<BootServerInput, ServerStatus>
{
    /// <summary>A server's boot has one instance id, so it is scheduled once and can be found from the server.</summary>
    public static string InstanceIdFor(Guid serverId) => $"boot-{serverId:N}";

    public override async Task<ServerStatus> RunAsync(TaskOrchestrationContext context, BootServerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var guest = input.Guest;
        var settings = input.Limits;
        context.SetCustomStatus(new BootStatus(ServerStep.Scheduling));
        // Replay-safe: each line is written once, when the orchestration first reaches it.
        var logger = context.CreateReplaySafeLogger<BootServer>();
        var placement = await context.CallStepAsync<PlacementOutcome>(nameof(SelectHosts), input);
        Logs.BootPlaced(logger, guest.ServerId, placement.Candidates.Count);
        if (placement.Candidates.Count == 0)
        {
            return await EndAsync(context, new BootOutcome(input.ProjectId, guest.ServerId, ServerStatus.Error, placement.Explanation, TenantFault: placement.TenantExplanation, FailureCode: "no-valid-host"));
        }

        var failures = new List<PlacementAttempt>();
        var lastFailureCode = "no-valid-host"; // for the failure metric: what ended the last attempt
        var tenantFailures = new SortedSet<string>(StringComparer.Ordinal); // what went wrong, without the host
        var tried = placement.Candidates.Take(settings.MaxAttempts).ToList();
        foreach (var candidate in tried)
        {
            AsidClaim? claim = null;
            if (candidate.ProviderName is { } provider && candidate.Asids is { } asids)
            {
                context.SetCustomStatus(new BootStatus(ServerStep.ClaimingAsid, candidate.HostName));
                claim = await context.CallStepAsync<AsidClaim?>(nameof(ClaimAsid), new ClaimRequest(candidate.HostName, provider, asids, guest.ServerId));
                if (claim is null)
                {
                    failures.Add(new(candidate.HostName, $"its last free slot on {provider} was claimed by another boot"));
                    tenantFailures.Add("its slot was taken by another boot");
                    lastFailureCode = "slot-taken";
                    Logs.BootHostFailed(logger, guest.ServerId, candidate.HostName, failures[^1].Failure);
                    continue;
                }
            }

            context.SetCustomStatus(new BootStatus(ServerStep.Spawning, candidate.HostName, claim?.Slot));
            Logs.BootSpawning(logger, guest.ServerId, candidate.HostName, claim?.Slot);
            var command = HostCommands.Issue(context, HostCommandKind.Spawn, guest.ServerId, guest);
            var spawn = await context.CallStepAsync<SpawnStarted>(nameof(SpawnServer), new SpawnRequest(input.ProjectId, candidate.HostName, claim, command));
            if (!spawn.Sent)
            {
                Notify(context, spawn.DeletedBy, guest.ServerId);
                return ServerStatus.Deleting;
            }

            // Only a host with an alternate after it is given up on as soon as it fails to take the command.
            var reply = await HostAnswer.WaitAsync(context, command.CommandId, candidate.HostName, candidate == tried[^1] ? settings.NothingElseToTry() : settings);
            var answer = reply.Outcome;
            if (answer is { Outcome: HostCommandOutcome.Succeeded })
            {
                context.SetCustomStatus(new BootStatus(ServerStep.Active, candidate.HostName, claim?.Slot));
                return await EndAsync(context, new BootOutcome(input.ProjectId, guest.ServerId, ServerStatus.Active, DomainXml: answer.DomainXml, Tried: failures, Attestation: answer.Attestation, HostName: candidate.HostName));
            }

            failures.Add(new(candidate.HostName, answer is null ? reply.Silence() : $"{answer.Failure}"));
            tenantFailures.Add(answer?.Failure?.CodeWord ?? "no answer");
            lastFailureCode = answer?.Failure?.CodeWord ?? "no-answer";
            Logs.BootHostFailed(logger, guest.ServerId, candidate.HostName, failures[^1].Failure);
            if (answer is null)
            {
                // It may still spawn later: make sure it does not keep a guest nobody owns.
                await context.CallStepAsync<bool>(nameof(SendHostCommand), new HostCommandRequest(
                    candidate.HostName, HostCommands.Issue(context, HostCommandKind.Destroy, guest.ServerId)));
            }

            if (claim is not null)
            {
                await context.CallStepAsync<int>(nameof(ReleaseAsid), claim);
            }
        }

        var fault = $"No valid host was found: every host tried failed ({string.Join("; ", failures.Select(f => $"{f.HostName}: {f.Failure}"))}). {placement.Explanation}";
        var tenantFault = $"No valid host was found: the hosts tried could not start it ({string.Join(", ", tenantFailures)}).";
        return await EndAsync(context, new BootOutcome(input.ProjectId, guest.ServerId, ServerStatus.Error, fault, TenantFault: tenantFault, Tried: failures, FailureCode: lastFailureCode));
    }

    private static async Task<ServerStatus> EndAsync(TaskOrchestrationContext context, BootOutcome outcome)
    {
        if (outcome.Status == ServerStatus.Error)
        {
            context.SetCustomStatus(new BootStatus(ServerStep.Error, Fault: outcome.Fault));
        }

        var deletedBy = await context.CallStepAsync<string?>(nameof(RecordOutcome), outcome);
        Logs.BootEnded(context.CreateReplaySafeLogger<BootServer>(), outcome.ServerId, outcome.Status, outcome.Fault is { } fault ? ": " + fault : "");
        Notify(context, deletedBy, outcome.ServerId);
        if (deletedBy is null && outcome.Status == ServerStatus.Error)
        {
            throw new ServerActionFailedException(outcome.Fault ?? "The boot failed.");
        }

        return deletedBy is null ? outcome.Status : ServerStatus.Deleting;
    }

    /// <summary>Tells the delete that waits for this boot that it has ended.</summary>
    private static void Notify(TaskOrchestrationContext context, string? deleteInstanceId, Guid serverId)
    {
        if (deleteInstanceId is { Length: > 0 })
        {
            context.SendEvent(deleteInstanceId, BootEvents.BootEnded, serverId);
        }
    }
}
