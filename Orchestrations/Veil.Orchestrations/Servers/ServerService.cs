using System.Diagnostics;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Catalog;
using Veil.Shared.Api;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Servers;

/// <summary>
/// Launches and deletes servers: decides whether a request can boot (every server of it checked before any is
/// created), records each server, then schedules the durable orchestration that does the work.
/// </summary>
public sealed class ServerService(ServerStore servers, CatalogStore catalog, KeyPairs.KeyPairStore keyPairs, DurableTaskClient client, IOptions<BootOptions> options, TimeProvider time)
{
    /// <summary>
    /// Launches <c>count</c> servers of an approved flavor and an image they can boot with, in the caller's project.
    /// With an Idempotency-Key the servers' ids derive from it, so a retried request names the same servers. A key
    /// pair is looked up among <paramref name="userId"/>'s own, as nova does.
    /// </summary>
    public async Task<LaunchResult> LaunchAsync(string projectId, string userId, CreateServerRequest request, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (projectId.Length == 0)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Forbidden, "project", "Your identity names no project; servers belong to a project.");
        }

        if (idempotencyKey is not null && !ServerIds.IsValidKey(idempotencyKey))
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "Idempotency-Key", "The Idempotency-Key header must be 1-255 visible ASCII characters.");
        }

        var count = request.Count ?? 1;
        if (GuestRules.CountProblem(count) is { } countProblem)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "count", countProblem);
        }

        if (string.IsNullOrWhiteSpace(request.FlavorName) || await catalog.GetFlavorAsync(request.FlavorName, cancellationToken) is not { } flavor)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "flavorName", $"Flavor '{request.FlavorName}' does not exist.");
        }

        if (flavor.Status != FlavorStatus.Approved)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "flavorName", $"Flavor '{flavor.Name}' is {flavor.Status.ToString().ToLowerInvariant()}; only approved flavors can boot.");
        }

        if (string.IsNullOrWhiteSpace(request.ImageId) || await catalog.GetImageAsync(request.ImageId, cancellationToken) is not { } image)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "imageId", $"Image '{request.ImageId}' does not exist.");
        }

        var check = MemoryEncryptionResolver.Check(flavor.ExtraSpecs, image.Properties);
        if (check.Resolution is not { } resolution)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "imageId", $"Flavor '{flavor.Name}' and image '{image.Id}' cannot boot together: {check.Message}");
        }

        GuestKey? key = null;
        if (request.KeyName is { } keyName)
        {
            if (await keyPairs.GetAsync(userId, keyName, cancellationToken) is not { } keyPair)
            {
                return LaunchResult.Refused(LaunchRefusalKind.Invalid, "keyName", $"Key pair '{keyName}' does not exist among your key pairs.");
            }

            key = new GuestKey(keyPair.Name, keyPair.PublicKey);
        }

        if (request.ConfigDrive == false && (key is not null || request.UserData is not null))
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, "configDrive",
                "configDrive is false, but a key pair or user data reaches the guest only on its config drive (Veil has no metadata service).");
        }

        var guests = Enumerable.Range(0, count).Select(i => new GuestSpec
        {
            ServerId = idempotencyKey is not null ? ServerIds.FromIdempotencyKey(projectId, idempotencyKey, i) : Guid.NewGuid(),
            Name = GuestRules.ServerName(request.Name ?? "", count, i),
            ProjectId = projectId,
            FlavorName = flavor.Name,
            VCpus = flavor.VCpus,
            MemoryMiB = flavor.MemoryMiB,
            DiskGiB = flavor.DiskGiB,
            ImageId = image.Id,
            FlavorExtraSpecs = flavor.ExtraSpecs,
            ImageProperties = image.Properties,
            Image = image.Files,
            Metadata = request.Metadata ?? [],
            KeyPair = key,
            UserData = request.UserData,
            ConfigDrive = request.ConfigDrive ?? (key is not null || request.UserData is not null),
        }).ToList();

        // Every server is checked before the first is created: a request is taken whole or not at all.
        if (guests.SelectMany(GuestRules.Check).FirstOrDefault() is { } problem)
        {
            return LaunchResult.Refused(LaunchRefusalKind.Invalid, RequestField(problem.Field), problem.Message);
        }

        var created = new List<ServerRecord>(count);
        foreach (var guest in guests)
        {
            try
            {
                created.Add(await CreateAsync(projectId, guest, resolution.Model, count > 1 ? guests.Select(g => g.ServerId).ToList() : null, cancellationToken));
            }
            catch (IdempotencyConflictException e)
            {
                return LaunchResult.Refused(LaunchRefusalKind.KeyReused, "Idempotency-Key", e.Message);
            }
        }

        return new LaunchResult(created, null);
    }

    /// <summary>The request field a guest's problem comes from: the image's properties are the image's, the sizes the flavor's.</summary>
    private static string RequestField(string guestField) => guestField switch
    {
        "name" or "metadata" or "userData" or "keyName" or "configDrive" => guestField,
        "imageProperties" => "imageId",
        "projectId" => "project",
        _ => "flavorName",
    };

    /// <summary>
    /// Records the server (BUILD) and schedules its boot. The request must already have been resolved. Idempotent by
    /// server id: a server that already exists is returned as it is (its boot scheduled if it was not yet), so a
    /// client retrying with the same Idempotency-Key gets the same server, not a second one.
    /// </summary>
    /// <exception cref="IdempotencyConflictException">The id is taken by a server created from a different request.</exception>
    public Task<ServerRecord> CreateAsync(string projectId, GuestSpec guest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(guest);
        return CreateAsync(projectId, guest, MemoryEncryptionResolver.Resolve(guest.FlavorExtraSpecs, guest.ImageProperties, null).Model, null, cancellationToken);
    }

    /// <summary>As <see cref="CreateAsync(string, GuestSpec, CancellationToken)"/>, with the model the launch already resolved and the servers of its request.</summary>
    private async Task<ServerRecord> CreateAsync(string projectId, GuestSpec guest, MemoryEncryptionModel? model, IReadOnlyList<Guid>? requestServerIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var instanceId = BootServer.InstanceIdFor(guest.ServerId);
        var record = new ServerRecord
        {
            ServerId = guest.ServerId,
            ProjectId = projectId,
            Name = guest.Name,
            FlavorName = guest.FlavorName,
            ImageId = guest.ImageId,
            KeyName = guest.KeyPair?.Name,
            ConfigDrive = guest.ConfigDrive,
            Model = model,
            Step = ServerStep.Scheduling,
            BootInstanceId = instanceId,
            TraceId = Activity.Current is { Recorded: true } request ? request.TraceId.ToHexString() : null,
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
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BootServer), new BootServerInput(projectId, guest, options.Value.Limits(), requestServerIds), new StartOrchestrationOptions(instanceId), cancellationToken);
            Telemetry.BootMetrics.BootStarted(model);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Scheduled by the first of the repeated requests.
        }

        return record;
    }

    /// <summary>
    /// Schedules the deletion; false when the server does not exist in that project. A server already DELETING or
    /// DELETED is left to the delete it has: a repeated request (a double click, a retry) starts nothing.
    /// </summary>
    public async Task<bool> DeleteAsync(string projectId, Guid serverId, CancellationToken cancellationToken = default)
    {
        // Marked at once, so the tenant sees DELETING from this request on, and a boot still running knows whom to tell when it ends.
        var deleteId = DeleteServer.InstanceIdFor(serverId, time.GetUtcNow());
        if (await servers.UpdateAsync(projectId, serverId, s => s.WithDeleteRequested(deleteId), cancellationToken) is not { } marked)
        {
            return false;
        }

        if (marked.DeleteInstanceId != deleteId)
        {
            return true;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(DeleteServer), new DeleteServerInput(projectId, serverId, options.Value.Limits()), new StartOrchestrationOptions(deleteId), cancellationToken);
        return true;
    }

    /// <summary>
    /// Starts a power action (stop, start, reboot) on the server's host: null when accepted, otherwise why not, as a
    /// person would fix it. Decided on the record itself, so two actions asked at once cannot both start.
    /// </summary>
    public async Task<string?> PowerAsync(string projectId, Guid serverId, HostCommandKind kind, CancellationToken cancellationToken = default)
    {
        var step = PowerActions.Step(kind);
        string? refusal = null;
        var marked = await servers.UpdateAsync(projectId, serverId, s =>
        {
            refusal = PowerRefusal(s, kind);
            return refusal is null ? s.WithPowerRequested(step) : s;
        }, cancellationToken);
        if (marked is null || refusal is not null)
        {
            return refusal ?? $"Server {serverId} was not found.";
        }

        var instanceId = PowerServer.InstanceIdFor(serverId, time.GetUtcNow());
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(PowerServer), new PowerServerInput(projectId, serverId, marked.HostName!, kind, options.Value.Limits()), new StartOrchestrationOptions(instanceId), cancellationToken);
        return null;
    }

    private static string? PowerRefusal(ServerRecord server, HostCommandKind kind)
    {
        var word = VeilJson.Word(kind);
        if (server.IsBeingDeleted)
        {
            return $"Server {server.Name} is {VeilJson.Word(server.Status)}; it cannot {word}.";
        }

        if (server.IsChangingPower)
        {
            return $"Server {server.Name} is {VeilJson.Word(server.Step!.Value)}; wait for that to finish.";
        }

        var needed = PowerActions.Needs(kind);
        return server.Status != needed || server.HostName is null
            ? $"Server {server.Name} is {server.Status.ToString().ToUpperInvariant()}; {word} needs it {needed.ToString().ToUpperInvariant()}."
            : null;
    }
}
