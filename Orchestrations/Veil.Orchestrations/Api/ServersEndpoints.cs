using System.Security.Claims;
using Microsoft.DurableTask.Client;
using Veil.Shared.Api;
using Veil.TaskHub.Client;
using Veil.Orchestrations.Servers;

namespace Veil.Orchestrations.Api;

internal static class ServersEndpoints
{
    public static void MapServers(this RouteGroupBuilder api)
    {
        api.MapPost("/servers", CreateAsync)
            .Doc<ServerRecord[]>("Launch servers (count of them) of an approved flavor and an image", StatusCodes.Status202Accepted, StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/servers", async ([AsParameters] ApiPages page, HttpContext http, ClaimsPrincipal user, ServerStore servers, CancellationToken ct) =>
        {
            // Newest first, as nova lists them; the id breaks ties so pages are stable.
            var caller = VeilCaller.From(user);
            var sorted = (await servers.ListAsync(caller.IsAdmin ? null : caller.ProjectId, ct)).OrderByDescending(s => s.CreatedAt).ThenBy(s => s.ServerId);
            return page.Of(http, sorted.Select(s => View(s, caller)), s => s.ServerId.ToString());
        })
            .Doc<ServerRecord[]>("List servers, newest first (tenants: their project's)");
        api.MapGet("/servers/{id}", async (string id, ClaimsPrincipal user, ServerStore servers, PlacementAccounts accounts, CancellationToken ct) =>
        {
            var caller = VeilCaller.From(user);
            if (await FindAsync(id, caller, servers, ct) is not { } server)
            {
                return ApiProblems.NotFound($"Server '{id}'");
            }

            // An admin looking at one server gets placement's whole account, kept beside the record.
            return Results.Ok(caller.IsAdmin ? server with { PlacementAccount = await accounts.GetAsync(server.ServerId, ct) } : View(server, caller));
        })
            .Doc<ServerRecord>("Show a server", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        api.MapGet("/servers/{id}/actions", async (string id, ClaimsPrincipal user, ServerStore servers, DurableTaskClient client, CancellationToken ct) =>
            await FindAsync(id, VeilCaller.From(user), servers, ct) is { } server ? Results.Ok(await ActionsAsync(server, VeilCaller.From(user).IsAdmin, client, ct)) : ApiProblems.NotFound($"Server '{id}'"))
            .Doc<ServerActionView[]>("The actions taken on a server (nova's instance actions)", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        api.MapGet("/servers/{id}/console-log", async (string id, int? length, ClaimsPrincipal user, ServerStore servers, Veil.Storage.StorageAccount storage, CancellationToken ct) =>
        {
            if (length is < 1 or > MaxConsoleLines)
            {
                return ApiProblems.BadField("length", $"length is {length}; ask for 1-{MaxConsoleLines} lines, or leave it out for all there is.");
            }

            return await FindAsync(id, VeilCaller.From(user), servers, ct) is { } server
                ? Results.Ok(await ConsoleLogAsync(server, length, storage, ct))
                : ApiProblems.NotFound($"Server '{id}'");
        })
            .Doc<ConsoleLog>("The end of a server's serial console", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        api.MapPost("/servers/{id}/action", async (string id, System.Text.Json.JsonElement body, ClaimsPrincipal user, ServerStore servers, ServerService service, CancellationToken ct) =>
        {
            var (action, problem) = PowerAction(body);
            if (action is not { } kind)
            {
                return ApiProblems.BadField("action", problem!);
            }

            if (await FindAsync(id, VeilCaller.From(user), servers, ct) is not { } server)
            {
                return ApiProblems.NotFound($"Server '{id}'");
            }

            return await service.PowerAsync(server.ProjectId, server.ServerId, kind, ct) is { } refusal
                ? ApiProblems.Conflict(refusal)
                : Results.Accepted($"/api/servers/{server.ServerId}");
        })
            .Doc("Stop, start or reboot a server", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/servers/{id}", async (string id, ClaimsPrincipal user, ServerStore servers, ServerService service, CancellationToken ct) =>
        {
            if (await FindAsync(id, VeilCaller.From(user), servers, ct) is not { } server)
            {
                return ApiProblems.NotFound($"Server '{id}'");
            }

            await service.DeleteAsync(server.ProjectId, server.ServerId, ct);
            return Results.Accepted($"/api/servers/{server.ServerId}");
        })
            .Doc("Delete a server", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound);
    }

    private const int MaxConsoleLines = 10_000;

    /// <summary>
    /// nova's server action body: exactly one of <c>{"os-stop": null}</c>, <c>{"os-start": null}</c> and
    /// <c>{"reboot": {"type": "HARD"}}</c>. A SOFT reboot is done as a HARD one: Veil has no guest agent to wait for.
    /// </summary>
    private static (Veil.Shared.Contracts.HostCommandKind? Kind, string? Problem) PowerAction(System.Text.Json.JsonElement body)
    {
        const string Expected = "send exactly one of {\"os-stop\": null}, {\"os-start\": null} or {\"reboot\": {\"type\": \"HARD\"}}";
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object || body.EnumerateObject().Count() != 1)
        {
            return (null, $"The action body must be one action: {Expected}.");
        }

        var action = body.EnumerateObject().Single();
        return action.Name switch
        {
            "os-stop" => (Veil.Shared.Contracts.HostCommandKind.Stop, null),
            "os-start" => (Veil.Shared.Contracts.HostCommandKind.Start, null),
            "reboot" when action.Value.ValueKind == System.Text.Json.JsonValueKind.Object
                && action.Value.TryGetProperty("type", out var type) && type.GetString() is "HARD" or "SOFT" => (Veil.Shared.Contracts.HostCommandKind.Reboot, null),
            "reboot" => (null, "reboot needs a type: {\"reboot\": {\"type\": \"HARD\"}} (or \"SOFT\", done as HARD)."),
            _ => (null, $"'{action.Name}' is not an action Veil offers; {Expected}."),
        };
    }

    /// <summary>The console log the server's host last published (in its own container), its last <paramref name="length"/> lines if asked.</summary>
    private static async Task<ConsoleLog> ConsoleLogAsync(ServerRecord server, int? length, Veil.Storage.StorageAccount storage, CancellationToken ct)
    {
        if (server.HostName is not { } host)
        {
            return new ConsoleLog("", null, false);
        }

        var container = storage.ExistingContainer(Veil.Shared.Contracts.HostQueues.Container(host));
        try
        {
            var blob = await container.GetBlobClient(Veil.Shared.Contracts.HostQueues.ConsoleLogBlob(server.ServerId)).DownloadContentAsync(ct);
            var text = blob.Value.Content.ToString();
            var truncated = blob.Value.Details.ContentLength >= Veil.Shared.Contracts.HostQueues.ConsoleLogMaxBytes;
            if (length is { } lines)
            {
                var all = text.TrimEnd('\n').Split('\n');
                if (all.Length > lines)
                {
                    text = string.Join('\n', all[^lines..]);
                    truncated = true;
                }
            }

            return new ConsoleLog(text, blob.Value.Details.LastModified, truncated);
        }
        catch (Azure.RequestFailedException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return new ConsoleLog("", null, false);
        }
    }

    /// <summary>A server as the caller may see it: all of it for an admin, the tenant's view otherwise.</summary>
    private static ServerRecord View(ServerRecord server, VeilCaller caller) => caller.IsAdmin ? server : server.ForTenant();

    /// <summary>
    /// The server's action log, as nova's instance actions: each orchestration that acted on it (boot, power
    /// actions, deletes) with when it ran and how it ended. Admins also get each one's history and failure; a tenant
    /// does not — they name hosts, slots and other engine internals (the server's fault says why in their terms).
    /// </summary>
    private static async Task<List<ServerActionView>> ActionsAsync(ServerRecord server, bool admin, DurableTaskClient client, CancellationToken ct)
    {
        var instances = new List<OrchestrationMetadata>();
        if (server.BootInstanceId is { } boot && await client.GetInstanceAsync(boot, getInputsAndOutputs: false, ct) is { } booted)
        {
            instances.Add(booted);
        }

        foreach (var prefix in new[] { Veil.Orchestrations.Boot.DeleteServer.InstanceIdPrefix(server.ServerId), Veil.Orchestrations.Boot.PowerServer.InstanceIdPrefix(server.ServerId) })
        {
            instances.AddRange((await client.QueryPageAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 100 }, cancellation: ct)).Values);
        }
        var actions = new List<ServerActionView>();
        foreach (var instance in instances.OrderBy(i => i.CreatedAt))
        {
            var view = instance.ToView();
            var history = admin ? (await client.GetOrchestrationHistoryAsync(instance.InstanceId, ct)).Select(OrchestrationViews.ToView).ToList() : [];
            actions.Add(new ServerActionView(view.InstanceId, view.Name, view.RuntimeStatus, view.CreatedAt, view.CompletedAt, admin ? view.FailureDetails : null, history));
        }

        return actions;
    }

    private static async Task<IResult> CreateAsync(CreateServerRequest body, HttpRequest request, ClaimsPrincipal user, ServerService service, CancellationToken ct)
    {
        // A client that may retry (after a timeout, a 503) sends an Idempotency-Key: the retry then names the same servers.
        var key = request.Headers.TryGetValue("Idempotency-Key", out var header) ? header.ToString() : null;
        var caller = VeilCaller.From(user);
        var result = await service.LaunchAsync(caller.ProjectId, caller.Subject, body, key, ct);
        return result.Refusal switch
        {
            null => Results.Accepted($"/api/servers/{result.Servers[0].ServerId}", result.Servers.Select(s => View(s, caller)).ToList()),
            { Kind: LaunchRefusalKind.Forbidden } refusal => ApiProblems.Forbidden(refusal.Message),
            { Kind: LaunchRefusalKind.OverQuota } refusal => ApiProblems.OverQuota(refusal.Field, refusal.Message),
            { Kind: LaunchRefusalKind.KeyReused } refusal => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused", detail: refusal.Message),
            var refusal => ApiProblems.BadField(refusal.Field, refusal.Message),
        };
    }

    /// <summary>The server if the caller may see it; another project's server is reported as missing (404), not forbidden.</summary>
    internal static async Task<ServerRecord?> FindAsync(string id, VeilCaller caller, ServerStore servers, CancellationToken ct)
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
