using System.Security.Claims;
using Microsoft.DurableTask.Client;
using Veil.TaskHub.Client;
using Veil.Orchestrations.Catalog;
using Veil.Orchestrations.Servers;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Api;

/// <summary>Body of <c>POST /api/servers</c>.</summary>
public sealed record CreateServerRequest(string? Name, string? FlavorName, string? ImageId, int? Count, Dictionary<string, string>? Metadata);

internal static class ServersEndpoints
{
    public static void MapServers(this RouteGroupBuilder api)
    {
        api.MapPost("/servers", CreateAsync);
        api.MapGet("/servers", async (ClaimsPrincipal user, ServerStore servers, CancellationToken ct) =>
        {
            var caller = VeilCaller.From(user);
            return Results.Ok(await servers.ListAsync(caller.IsAdmin ? null : caller.ProjectId, ct));
        });
        api.MapGet("/servers/{id}", async (string id, ClaimsPrincipal user, ServerStore servers, CancellationToken ct) =>
            await FindAsync(id, VeilCaller.From(user), servers, ct) is { } server ? Results.Ok(server) : ApiProblems.NotFound($"Server '{id}'"));
        api.MapGet("/servers/{id}/actions", async (string id, ClaimsPrincipal user, ServerStore servers, DurableTaskClient client, CancellationToken ct) =>
            await FindAsync(id, VeilCaller.From(user), servers, ct) is { } server ? Results.Ok(await ActionsAsync(server, client, ct)) : ApiProblems.NotFound($"Server '{id}'"));
        api.MapDelete("/servers/{id}", async (string id, ClaimsPrincipal user, ServerStore servers, ServerService service, CancellationToken ct) =>
        {
            if (await FindAsync(id, VeilCaller.From(user), servers, ct) is not { } server)
            {
                return ApiProblems.NotFound($"Server '{id}'");
            }

            await service.DeleteAsync(server.ProjectId, server.ServerId, ct);
            return Results.Accepted($"/api/servers/{server.ServerId}");
        });
    }

    /// <summary>
    /// The server's action log, as nova's instance actions: each orchestration that acted on it (boot, deletes) with
    /// its history, so its owner can see which step failed and why without admin rights.
    /// </summary>
    private static async Task<List<ServerAction>> ActionsAsync(ServerRecord server, DurableTaskClient client, CancellationToken ct)
    {
        var instances = new List<OrchestrationMetadata>();
        if (server.BootInstanceId is { } boot && await client.GetInstanceAsync(boot, getInputsAndOutputs: false, ct) is { } booted)
        {
            instances.Add(booted);
        }

        var deletes = await client.QueryPageAsync(new OrchestrationQuery { InstanceIdPrefix = Veil.Orchestrations.Boot.DeleteServer.InstanceIdPrefix(server.ServerId), PageSize = 100 }, cancellation: ct);
        instances.AddRange(deletes.Values);
        var actions = new List<ServerAction>();
        foreach (var instance in instances.OrderBy(i => i.CreatedAt))
        {
            var view = OrchestrationInstanceView.From(instance);
            var history = (await client.GetOrchestrationHistoryAsync(instance.InstanceId, ct)).Select(HistoryEventView.From).ToList();
            actions.Add(new ServerAction(view.InstanceId, view.Name, view.RuntimeStatus, view.CreatedAt, view.CompletedAt, view.FailureDetails, history));
        }

        return actions;
    }

    private static async Task<IResult> CreateAsync(CreateServerRequest body, HttpRequest request, ClaimsPrincipal user, CatalogStore catalog, ServerService service, CancellationToken ct)
    {
        var caller = VeilCaller.From(user);
        if (caller.ProjectId.Length == 0)
        {
            return ApiProblems.Forbidden("Your identity names no project; servers belong to a project.");
        }

        // A client that may retry (after a timeout, a 503) sends an Idempotency-Key: the retry then names the same servers.
        var key = request.Headers["Idempotency-Key"].ToString();
        if (request.Headers.ContainsKey("Idempotency-Key") && !ServerIds.IsValidKey(key))
        {
            return ApiProblems.BadField("Idempotency-Key", "The Idempotency-Key header must be 1-255 visible ASCII characters.");
        }

        var count = body.Count ?? 1;
        if (count is < 1 or > 50)
        {
            return ApiProblems.BadField("count", $"count {count} must be between 1 and 50.");
        }

        if (string.IsNullOrWhiteSpace(body.FlavorName) || await catalog.GetFlavorAsync(body.FlavorName, ct) is not { } flavor)
        {
            return ApiProblems.BadField("flavorName", $"Flavor '{body.FlavorName}' does not exist.");
        }

        if (flavor.Status != FlavorStatus.Approved)
        {
            return ApiProblems.BadField("flavorName", $"Flavor '{flavor.Name}' is {flavor.Status.ToString().ToLowerInvariant()}; only approved flavors can boot.");
        }

        if (string.IsNullOrWhiteSpace(body.ImageId) || await catalog.GetImageAsync(body.ImageId, ct) is not { } image)
        {
            return ApiProblems.BadField("imageId", $"Image '{body.ImageId}' does not exist.");
        }

        try
        {
            MemoryEncryptionResolver.Resolve(flavor.ExtraSpecs, image.Properties, null);
        }
        catch (MemoryEncryptionRequestException e)
        {
            return ApiProblems.BadField("imageId", $"Flavor '{flavor.Name}' and image '{image.Id}' cannot boot together: {e.Message}");
        }

        var created = new List<ServerRecord>();
        for (var i = 0; i < count; i++)
        {
            var name = count == 1 ? body.Name ?? "" : $"{body.Name}-{i + 1}";
            var guest = new GuestSpec
            {
                ServerId = key.Length > 0 ? ServerIds.FromIdempotencyKey(caller.ProjectId, key, i) : Guid.NewGuid(),
                Name = name,
                ProjectId = caller.ProjectId,
                FlavorName = flavor.Name,
                VCpus = flavor.VCpus,
                MemoryMiB = flavor.MemoryMiB,
                DiskGiB = flavor.DiskGiB,
                ImageId = image.Id,
                FlavorExtraSpecs = flavor.ExtraSpecs,
                ImageProperties = image.Properties,
                Metadata = body.Metadata ?? [],
            };
            try
            {
                // The host builds the XML again; building it here first refuses names and metadata it could not carry.
                GuestDomainXml.Build(guest, new GuestHostParameters());
            }
            catch (InvalidGuestSpecException e)
            {
                return ApiProblems.BadField(e.Problems.Any(p => p.StartsWith("metadata", StringComparison.Ordinal)) ? "metadata" : "name", e.Message);
            }

            try
            {
                created.Add(await service.CreateAsync(caller.ProjectId, guest, ct));
            }
            catch (IdempotencyConflictException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused", detail: e.Message);
            }
        }

        return Results.Accepted($"/api/servers/{created[0].ServerId}", created);
    }

    /// <summary>The server if the caller may see it; another project's server is reported as missing (404), not forbidden.</summary>
    private static async Task<ServerRecord?> FindAsync(string id, VeilCaller caller, ServerStore servers, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var serverId))
        {
            return null;
        }

        if (!caller.IsAdmin)
        {
            return await servers.GetAsync(caller.ProjectId, serverId, ct);
        }

        return (await servers.ListAsync(null, ct)).FirstOrDefault(s => s.ServerId == serverId);
    }
}
