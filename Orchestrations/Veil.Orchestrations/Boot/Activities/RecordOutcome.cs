using Microsoft.DurableTask;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// Records how the boot ended (ACTIVE with its domain, or ERROR with why) and returns the delete waiting for this
/// boot, if the server is being deleted: its status is then the delete's to set.
/// </summary>
public sealed class RecordOutcome(ServerStore servers) : TaskActivity<BootOutcome, string?>
{
    public override async Task<string?> RunAsync(TaskActivityContext context, BootOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var server = await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithBootOutcome(input.Status, input.Fault, input.DomainXml, input.TenantFault, input.Tried));
        return server is { IsBeingDeleted: true } ? server.DeleteInstanceId : null;
    }
}
