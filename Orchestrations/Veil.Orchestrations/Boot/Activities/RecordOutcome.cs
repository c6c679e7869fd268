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
public sealed class RecordOutcome(ServerStore servers, PlacementAccounts accounts, TimeProvider time) : TaskActivity<BootOutcome, string?>
{
    public override async Task<string?> RunAsync(TaskActivityContext context, BootOutcome input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Placement's account now names the host the boot ended on (none on ERROR) after the hosts it tried.
        string? placement = null;
        if (await accounts.GetAsync(input.ServerId) is { } account)
        {
            var ended = account.EndedOn(input.Status == ServerStatus.Active ? input.HostName : null, input.Tried ?? []);
            await accounts.SaveAsync(input.ServerId, ended);
            placement = ended.Explain();
        }

        var server = await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s.WithBootOutcome(input.Status, input.Fault, input.DomainXml, input.TenantFault, placement, input.Attestation));
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
