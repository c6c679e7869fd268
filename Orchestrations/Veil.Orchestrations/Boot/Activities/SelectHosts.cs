using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Veil.Orchestrations.Hosts;
using Veil.Orchestrations.Servers;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// The boot's first step, nova's scheduling: resolves the request again, asks placement for hosts, and records
/// placement's account on the server (the host chosen and why every other host was left out). A server of a
/// multi-create is placed after the ones before it in the request, from the hosts as they are without the
/// request's own claims, so every server of the request sees the same hosts and the request spreads.
/// </summary>
public sealed class SelectHosts(HostRegistry registry, ServerStore servers, PlacementAccounts accounts, IOptions<BootOptions> options, TimeProvider time) : TaskActivity<BootServerInput, PlacementOutcome>
{
    public override async Task<PlacementOutcome> RunAsync(TaskActivityContext context, BootServerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (outcome, account) = await DecideAsync(input);
        var next = outcome.Candidates is [{ Asids: not null }, ..] ? ServerStep.ClaimingAsid : ServerStep.Spawning;
        if (account is not null)
        {
            await accounts.SaveAsync(input.Guest.ServerId, account);
        }

        await servers.UpdateAsync(input.ProjectId, input.Guest.ServerId, s => (outcome.Candidates.Count > 0 ? s.WithBootProgress(next) : s) with { Placement = outcome.Explanation });
        return outcome;
    }

    private async Task<(PlacementOutcome Outcome, PlacementAccount? Account)> DecideAsync(BootServerInput input)
    {
        var check = MemoryEncryptionResolver.Check(input.Guest.FlavorExtraSpecs, input.Guest.ImageProperties, null);
        if (check.Resolution is not { } request)
        {
            return (new PlacementOutcome([], check.Message, null, check.Message), null);
        }

        var siblings = input.RequestServerIds ?? [];
        var hosts = await registry.ListAsync(siblings.ToHashSet());
        var decision = HostPlacement.SelectForMember(request, hosts, time.GetUtcNow(), options.Value.HeartbeatWindow, Math.Max(0, siblings.ToList().IndexOf(input.Guest.ServerId)),
            options.Value.MaxAttempts, input.Guest.ImageProperties.GetValueOrDefault(RequestKeys.ImageHypervisorType));
        var model = request.Model is { } m ? m.Info().DisplayName : "unencrypted guests";
        return (new PlacementOutcome(decision.Candidates, decision.Explain(), request.Model, decision.NoValidHost ? decision.ExplainForTenant(model) : null), decision.Account());
    }
}
