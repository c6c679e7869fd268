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
public sealed class ServerService(ServerStore servers, CatalogStore catalog, KeyPairs.KeyPairStore keyPairs, Quotas.QuotaStore quotas, DurableTaskClient client, IOptions<BootOptions> options, TimeProvider time)
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

        var requestServerIds = count > 1 ? guests.Select(g => g.ServerId).ToList() : null;
        try
        {
            var created = await CreateAsync(projectId, guests, resolution.Model, requestServerIds, cancellationToken);
            return created.Refusal is { } refusal
                ? LaunchResult.Refused(LaunchRefusalKind.OverQuota, refusal.Quota, refusal.Message)
                : new LaunchResult(created.Servers, null);
        }
        catch (IdempotencyConflictException e)
        {
            return LaunchResult.Refused(LaunchRefusalKind.KeyReused, "Idempotency-Key", e.Message);
        }
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
    /// Records the server (BUILD), counted against its project's quotas, and schedules its boot. The request must
    /// already have been resolved. Idempotent by server id: a server that already exists is returned as it is (its
    /// boot scheduled if it was not yet), so a client retrying with the same Idempotency-Key gets the same server,
    /// not a second one.
    /// </summary>
    /// <exception cref="IdempotencyConflictException">The id is taken by a server created from a different request.</exception>
    /// <exception cref="InvalidOperationException">The server would take its project past a quota.</exception>
    public async Task<ServerRecord> CreateAsync(string projectId, GuestSpec guest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var created = await CreateAsync(projectId, [guest], MemoryEncryptionResolver.Resolve(guest.FlavorExtraSpecs, guest.ImageProperties, null).Model, null, cancellationToken);
        return created.Refusal is { } refusal ? throw new InvalidOperationException(refusal.Message) : created.Servers[0];
    }

    /// <summary>
    /// Records the servers of one request together, if its project's quotas let all of them in (counted in the
    /// same storage transaction as the records, so concurrent requests cannot overshoot), then schedules each boot.
    /// </summary>
    private async Task<(IReadOnlyList<ServerRecord> Servers, Shared.Quotas.QuotaExceeded? Refusal)> CreateAsync(string projectId, IReadOnlyList<GuestSpec> guests, MemoryEncryptionModel? model, IReadOnlyList<Guid>? requestServerIds, CancellationToken cancellationToken)
    {
        var records = guests.Select(g => Record(projectId, g, model)).ToList();
        var requested = Shared.Quotas.QuotaSet.For(guests.Count, guests[0].VCpus, guests[0].MemoryMiB, model);
        var limits = await quotas.LimitsAsync(projectId, cancellationToken);
        var added = await servers.TryAddCountedAsync(projectId, records, live => limits.FirstExceeded(Shared.Quotas.QuotaSet.UsedBy(live), requested), cancellationToken);
        if (added.Refusal is { } refusal)
        {
            return ([], refusal);
        }

        var result = new List<ServerRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = added.IsAdded ? records[i] : await ExistingAsync(projectId, guests[i], cancellationToken);
            if (record.Status == ServerStatus.Build)
            {
                await ScheduleBootAsync(projectId, guests[i], record, requestServerIds, cancellationToken);
            }

            result.Add(record); // one already booted, failed or deleted is returned as it is: a late retry changes nothing
        }

        return (result, null);
    }

    private ServerRecord Record(string projectId, GuestSpec guest, MemoryEncryptionModel? model)
    {
        var now = time.GetUtcNow();
        return new ServerRecord
        {
            ServerId = guest.ServerId,
            ProjectId = projectId,
            Name = guest.Name,
            FlavorName = guest.FlavorName,
            VCpus = guest.VCpus,
            MemoryMiB = guest.MemoryMiB,
            ImageId = guest.ImageId,
            KeyName = guest.KeyPair?.Name,
            ConfigDrive = guest.ConfigDrive,
            Model = model,
            Step = ServerStep.Scheduling,
            BootInstanceId = BootServer.InstanceIdFor(guest.ServerId),
            TraceId = Activity.Current is { Recorded: true } request ? request.TraceId.ToHexString() : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The server a retried request names, if it is the one that request made.</summary>
    private async Task<ServerRecord> ExistingAsync(string projectId, GuestSpec guest, CancellationToken cancellationToken)
    {
        var existing = await servers.GetAsync(projectId, guest.ServerId, cancellationToken);
        return existing is not null && existing.Name == guest.Name && existing.FlavorName == guest.FlavorName && existing.ImageId == guest.ImageId
            ? existing
            : throw new IdempotencyConflictException($"Server {guest.ServerId} was created by an earlier request with the same Idempotency-Key but a different name, flavor or image.");
    }

    private async Task ScheduleBootAsync(string projectId, GuestSpec guest, ServerRecord record, IReadOnlyList<Guid>? requestServerIds, CancellationToken cancellationToken)
    {
        try
        {
            // Refused whatever state an instance of that id is in, ended too: a retry that read the server in BUILD
            // just before its boot ended (or after an admin terminated it) never starts a second boot.
            var once = new StartOrchestrationOptions(record.BootInstanceId!).WithDedupeStatuses(Enum.GetValues<OrchestrationRuntimeStatus>());
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BootServer), new BootServerInput(projectId, guest, options.Value.Limits(), requestServerIds), once, cancellationToken);
            Telemetry.BootMetrics.BootStarted(record.Model);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Scheduled by the first of the repeated requests; one that ended without finishing the server is the reconciler's to mark ERROR.
        }
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
