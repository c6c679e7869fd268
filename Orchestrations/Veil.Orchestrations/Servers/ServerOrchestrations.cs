using Microsoft.DurableTask.Client;
using Veil.Orchestrations.Boot;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Servers;

/// <summary>
/// What an admin may do again with a server's orchestrations. Rewinding or restarting a boot re-runs placement, the
/// claim and the spawn, so it is refused once the server has moved on (ACTIVE: a second slot and a second domain;
/// DELETING or DELETED: a guest nobody owns); a delete is not re-run once the server is DELETED.
/// </summary>
public sealed class ServerOrchestrations(ServerStore servers)
{
    /// <summary>Why <paramref name="instance"/> must not run again, or null (not a server's, or its server still needs it).</summary>
    public async Task<string?> RerunRefusalAsync(OrchestrationMetadata instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        switch (instance.Name)
        {
            case nameof(BootServer) when instance.ReadInputAs<BootServerInput>() is { } boot
                && await servers.GetAsync(boot.ProjectId, boot.Guest.ServerId, cancellationToken) is { Status: not (ServerStatus.Build or ServerStatus.Error) } server:
                return $"its server {server.ServerId} is {VeilJson.Word(server.Status).ToUpperInvariant()}; booting it again would claim a second ASID slot and define a second domain. Launch a new server instead.";
            case nameof(DeleteServer) when instance.ReadInputAs<DeleteServerInput>() is { } delete
                && await servers.GetAsync(delete.ProjectId, delete.ServerId, cancellationToken) is { Status: ServerStatus.Deleted } deleted:
                return $"its server {deleted.ServerId} is already DELETED.";
            default:
                return null;
        }
    }
}
