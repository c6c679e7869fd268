using Microsoft.DurableTask;
using Veil.Orchestrations.Servers;
using Veil.Orchestrations.Telemetry;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>
/// Records how the boot ended (ACTIVE with its domain, or ERROR with why) and returns the delete waiting for this
/// boot, if the server is being deleted: its status is then the delete's to set. Counts the boot's end (and, when
/// ACTIVE, its time from the launch request) in <see cref="BootMetrics"/>.
/// </summary>
public sealed class RecordOutcome(ServerStore servers, TimeProvider time) : TaskActivity<BootOutcome, string?>
{
    public override async Task<string?> RunAsync(TaskActivityContext context, BootOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var server = await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithBootOutcome(input.Status, input.Fault, input.DomainXml, input.TenantFault, input.Tried, input.Attestation));
        if (server is { IsBeingDeleted: false })
        {
            if (input.Status == ServerStatus.Active)
            {
                BootMetrics.BootSucceeded(server.Model, time.GetUtcNow() - server.CreatedAt);
            }
            else
            {
                BootMetrics.BootFailed(server.Model, input.FailureCode ?? "unknown");
            }
        }

        return server is { IsBeingDeleted: true } ? server.DeleteInstanceId : null;
    }
}
