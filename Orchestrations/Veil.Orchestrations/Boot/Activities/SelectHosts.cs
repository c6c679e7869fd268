using Microsoft.Extensions.Options;
using Veil.Orchestrations.Hosts;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Placement;
using Veil.DurableTask;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Resolves the request again and asks placement for hosts, keeping the explanation.</summary>
public sealed class SelectHosts(HostRegistry registry, IOptions<BootOptions> options, TimeProvider time) : TaskActivity<GuestSpec, PlacementOutcome>
{
    public override async Task<PlacementOutcome> RunAsync(TaskActivityContext context, GuestSpec input)
    {
        ArgumentNullException.ThrowIfNull(input);
        MemoryEncryptionResolution request;
        try
        {
            request = MemoryEncryptionResolver.Resolve(input.FlavorExtraSpecs, input.ImageProperties, null);
        }
        catch (MemoryEncryptionRequestException e)
        {
            return new PlacementOutcome([], e.Message, null);
        }

        var hosts = await registry.ListAsync(context.CancellationToken);
        var decision = HostPlacement.Select(request, hosts, time.GetUtcNow(), options.Value.HeartbeatWindow, options.Value.MaxAttempts);
        return new PlacementOutcome(decision.Candidates, decision.Explain(), request.Model);
    }
}
