using Microsoft.DurableTask;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Releases the slot the server held (if any) and records how its delete ended.</summary>
public sealed class FinishDelete(AsidLedger ledger, ServerStore servers) : TaskActivity<DeleteOutcome, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, DeleteOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Release is { } claim)
        {
            await ledger.ReleaseAsync(claim.ProviderName, claim.ServerId);
        }

        return await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithDeleteOutcome(input.Status, input.Fault, input.TenantFault)) is not null;
    }
}
