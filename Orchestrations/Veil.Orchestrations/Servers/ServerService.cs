using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Veil.Orchestrations.Boot;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Servers;

/// <summary>Creates and deletes servers: the record first, then the durable orchestration that does the work.</summary>
public sealed class ServerService(ServerStore servers, DurableTaskClient client, IOptions<BootOptions> options, TimeProvider time)
{
    /// <summary>
    /// Records the server (BUILD) and schedules its boot. The request must already have been resolved. Idempotent by
    /// server id: a server that already exists is returned as it is (its boot scheduled if it was not yet), so a
    /// client retrying with the same Idempotency-Key gets the same server, not a second one.
    /// </summary>
    /// <exception cref="IdempotencyConflictException">The id is taken by a server created from a different request.</exception>
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
            Step = ServerStep.Scheduling,
            BootInstanceId = instanceId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await servers.TryAddAsync(record, cancellationToken))
        {
            var existing = await servers.GetAsync(projectId, guest.ServerId, cancellationToken);
            if (existing is null || existing.Name != guest.Name || existing.FlavorName != guest.FlavorName || existing.ImageId != guest.ImageId)
            {
                throw new IdempotencyConflictException($"Server {guest.ServerId} was created by an earlier request with the same Idempotency-Key but a different name, flavor or image.");
            }

            record = existing;
            if (existing.Status != ServerStatus.Build)
            {
                return existing; // already booted, failed or deleted: a late retry changes nothing
            }
        }

        try
        {
            // Refused while an instance of that id is Pending, Running or Suspended: a retry never starts a second boot.
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BootServer), new BootServerInput(projectId, guest, options.Value.Limits()), new StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Scheduled by the first of the repeated requests.
        }

        return record;
    }

    /// <summary>Schedules the deletion; false when the server does not exist in that project.</summary>
    public async Task<bool> DeleteAsync(string projectId, Guid serverId, CancellationToken cancellationToken = default)
    {
        // Marked at once, so the tenant sees DELETING from this request on, and a boot still running knows whom to tell when it ends.
        var deleteId = DeleteServer.InstanceIdFor(serverId, time.GetUtcNow());
        if (await servers.UpdateAsync(projectId, serverId, s => s.WithDeleteRequested(deleteId), cancellationToken) is null)
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(DeleteServer), new DeleteServerInput(projectId, serverId, options.Value.Limits()), new StartOrchestrationOptions(deleteId), cancellationToken);
        return true;
    }
}
