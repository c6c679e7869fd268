using Veil.Orchestrations.Servers;
using Veil.DurableTask;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Writes a boot's progress and outcome to the server's record, which the API and Portal read.</summary>
public sealed class RecordServer(ServerStore servers) : TaskActivity<ServerUpdate, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ServerUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var updated = await servers.UpdateAsync(input.ProjectId, input.ServerId, s => s with
        {
            Status = BeingDeleted(s) && !input.ByDelete ? s.Status : input.Status ?? s.Status,
            Step = BeingDeleted(s) && !input.ByDelete ? s.Step : input.Step ?? s.Step,
            HostName = input.ClearPlacement ? null : input.HostName ?? s.HostName,
            ProviderName = input.ClearPlacement ? null : input.ProviderName ?? s.ProviderName,
            AsidSlot = input.ClearPlacement ? null : input.AsidSlot ?? s.AsidSlot,
            Fault = input.Fault ?? s.Fault,
            DomainXml = input.DomainXml ?? s.DomainXml,
            Placement = input.Placement ?? s.Placement,
        }, context.CancellationToken);
        return updated is not null;
    }

    private static bool BeingDeleted(ServerRecord server) => server.Status is ServerStatus.Deleting or ServerStatus.Deleted;
}
