using Veil.DurableTask;
using Veil.Orchestrations.Boot;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Servers;

/// <summary>Creates and deletes servers: the record first, then the durable orchestration that does the work.</summary>
public sealed class ServerService(ServerStore servers, DurableTaskClient client, TimeProvider time)
{
    /// <summary>Records the server (BUILD) and schedules its boot. The request must already have been resolved.</summary>
    public async Task<ServerRecord> CreateAsync(string projectId, GuestSpec guest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var resolution = MemoryEncryptionResolver.Resolve(guest.FlavorExtraSpecs, guest.ImageProperties, null);
        var now = time.GetUtcNow();
        var instanceId = BootServer.InstanceIdFor(guest.ServerId);
        var record = new ServerRecord
        {
            ServerId = guest.ServerId,
            ProjectId = projectId,
            Name = guest.Name,
            FlavorName = guest.FlavorName,
            ImageId = guest.ImageId,
            Model = resolution.Model,
            Step = "queued",
            BootInstanceId = instanceId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await servers.SaveAsync(record, cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(BootServer), new BootServerInput(projectId, guest), new StartOrchestrationOptions(instanceId), cancellationToken);
        return record;
    }

    /// <summary>Schedules the deletion; false when the server does not exist in that project.</summary>
    public async Task<bool> DeleteAsync(string projectId, Guid serverId, CancellationToken cancellationToken = default)
    {
        // Marked at once, so the tenant sees DELETING from this request on.
        if (await servers.UpdateAsync(projectId, serverId, s => s with { Status = ServerStatus.Deleting, Step = "deleting" }, cancellationToken) is null)
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(DeleteServer),
            new DeleteServerInput(projectId, serverId),
            new StartOrchestrationOptions(DeleteServer.InstanceIdFor(serverId, time.GetUtcNow())),
            cancellationToken);
        return true;
    }
}
