using Microsoft.DurableTask;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Records how a power action ended (ignored once the server is being deleted).</summary>
public sealed class RecordPowerOutcome(ServerStore servers) : TaskActivity<PowerOutcome, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PowerOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithPowerOutcome(input.Status, input.Fault, input.TenantFault)) is not null;
    }
}
