using Microsoft.DurableTask;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// Records how the server's delete ended; a DELETED server first gets every ASID slot it holds released, on any
/// provider: a boot terminated between its claim and its spawn held one its record does not name.
/// </summary>
public sealed class FinishDelete(AsidLedger ledger, ServerStore servers) : TaskActivity<DeleteOutcome, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, DeleteOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Status == Veil.Shared.Contracts.ServerStatus.Deleted)
        {
            await ledger.ReleaseServerAsync(input.ServerId);
        }

        return await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithDeleteOutcome(input.Status, input.Fault, input.TenantFault)) is not null;
    }
}
