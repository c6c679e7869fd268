using System.Text.Json;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask.Client;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.TaskHub.Client;
using Veil.TaskHub.Diagnostics;

namespace Veil.Orchestrations.Api;

/// <summary>
/// Admin-only management of orchestration instances (through the SDK's <see cref="DurableTaskClient"/>), of the
/// engine's warnings, and of parked messages.
/// </summary>
internal static class OrchestrationAdminEndpoints
{
    public static void MapOrchestrationAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/orchestrations").RequireAdmin();
        admin.MapGet("/", async (string? status, string? name, string? prefix, DateTimeOffset? from, DateTimeOffset? to, int? pageSize, string? continuationToken, DurableTaskClient client, CancellationToken ct) =>
        {
            var statuses = new List<OrchestrationRuntimeStatus>();
            foreach (var s in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<OrchestrationRuntimeStatus>(s.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || int.TryParse(s, out _))
                {
                    return ApiProblems.BadField("status", $"'{s}' is not a status; use {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.");
                }

                statuses.Add(parsed);
            }

            if (pageSize is < 1 or > 1000)
            {
                return ApiProblems.BadField("pageSize", "pageSize must be between 1 and 1000.");
            }

            var query = new OrchestrationQuery
            {
                Statuses = statuses.Count == 0 ? null : statuses,
                InstanceIdPrefix = prefix is { Length: > 0 } ? prefix : null,
                CreatedFrom = from,
                CreatedTo = to,
                PageSize = pageSize ?? 50,
                ContinuationToken = continuationToken is { Length: > 0 } ? continuationToken : null,
            };
            var page = await client.QueryPageAsync(query, name, ct);
            return Results.Ok(new OrchestrationPageView(page.Values.Select(OrchestrationViews.ToView).ToList(), page.ContinuationToken));
        })
            .Doc<OrchestrationPageView>("Query orchestration instances");
        admin.MapGet("/warnings", (EngineWarnings warnings) => Results.Ok(new EngineWarningsView(warnings.Counts, warnings.Recent)))
            .Doc<EngineWarningsView>("The engine's warnings, counted and recent");
        admin.MapGet("/{id}", async (string id, DurableTaskClient client, CancellationToken ct) =>
            await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct) is { } instance ? Results.Ok(instance.ToView()) : ApiProblems.NotFound($"Orchestration instance '{id}'"))
            .Doc<OrchestrationInstanceView>("Show an orchestration instance", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        admin.MapGet("/{id}/history", async (string id, DurableTaskClient client, CancellationToken ct) =>
            Results.Ok((await client.GetOrchestrationHistoryAsync(id, ct)).Select(OrchestrationViews.ToView)))
            .Doc<HistoryEventView[]>("An orchestration instance's history");
        admin.MapPost("/{id}/terminate", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            ActAsync(id, client, i => i.IsCompleted ? $"it is already {i.RuntimeStatus}" : null, () => client.TerminateInstanceAsync(id, new TerminateInstanceOptions(body?.Reason ?? "terminated by an admin", Recursive: true), ct), ct))
            .Doc("Terminate an instance (and its sub-orchestrations)", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/suspend", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            ActAsync(id, client, i => i.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending ? null : $"only running instances can be suspended; it is {i.RuntimeStatus}", () => client.SuspendInstanceAsync(id, body?.Reason, ct), ct))
            .Doc("Suspend a running instance", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/resume", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            ActAsync(id, client, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Suspended ? null : $"only suspended instances can be resumed; it is {i.RuntimeStatus}", () => client.ResumeInstanceAsync(id, body?.Reason, ct), ct))
            .Doc("Resume a suspended instance", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/rewind", async (string id, InstanceActionRequest? body, DurableTaskClient client, ServerOrchestrations rules, CancellationToken ct) =>
            await RerunRefusalAsync(id, client, rules, ct) ?? await ActAsync(id, client, _ => null, () => client.RewindInstanceAsync(id, body?.Reason ?? "rewound by an admin", ct), ct))
            .Doc("Rewind a failed instance to retry its failed steps", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/restart", async (string id, bool? newInstanceId, DurableTaskClient client, ServerOrchestrations rules, CancellationToken ct) =>
        {
            if (await RerunRefusalAsync(id, client, rules, ct) is { } refused)
            {
                return refused;
            }

            try
            {
                return Results.Ok(new InstanceRestarted(await client.RestartAsync(id, newInstanceId ?? false, ct)));
            }
            catch (ArgumentException)
            {
                return ApiProblems.NotFound($"Orchestration instance '{id}'");
            }
            catch (Exception e) when (e is InvalidOperationException or OrchestrationAlreadyExistsException)
            {
                return ApiProblems.Conflict(e.Message);
            }
        })
            .Doc<InstanceRestarted>("Restart an instance with its input", StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapDelete("/{id}", async (string id, bool? recursive, DurableTaskClient client, CancellationToken ct) =>
        {
            try
            {
                var purged = await client.PurgeInstanceAsync(id, new PurgeInstanceOptions(recursive ?? false), ct);
                return purged.PurgedInstanceCount == 0 ? ApiProblems.NotFound($"Orchestration instance '{id}'") : Results.Ok(new InstancesPurged(purged.PurgedInstanceCount));
            }
            catch (InvalidOperationException e)
            {
                return ApiProblems.Conflict(e.Message);
            }
        })
            .Doc<InstancesPurged>("Purge a finished instance's state and history", StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/events/{name}", async (string id, string name, JsonElement? payload, DurableTaskClient client, CancellationToken ct) =>
        {
            if (await client.GetInstanceAsync(id, ct) is not { } instance)
            {
                return ApiProblems.NotFound($"Orchestration instance '{id}'");
            }

            if (instance.IsCompleted)
            {
                return ApiProblems.Conflict($"Instance '{id}' is {instance.RuntimeStatus}; an event would be discarded.");
            }

            await client.RaiseEventAsync(id, name, payload, ct);
            return Results.Accepted();
        })
            .Doc("Raise an event on a running instance", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        var poison = api.MapGroup("/poison").RequireAdmin();
        poison.MapGet("/", async (Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) => Results.Ok(await parked.ListAsync(null, ct))).Doc<ParkedMessage[]>("List parked (poison) messages");
        poison.MapPost("/{**id}", async (string id, Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) =>
            await parked.ReplayAsync(id, ct) ? Results.Accepted() : ApiProblems.NotFound($"Parked message '{id}'"))
            .Doc("Replay a parked message onto its queue", StatusCodes.Status202Accepted, StatusCodes.Status404NotFound);
        poison.MapDelete("/{**id}", async (string id, Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) =>
            await parked.DiscardAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Parked message '{id}'"))
            .Doc("Discard a parked message", StatusCodes.Status204NoContent, StatusCodes.Status404NotFound);
    }

    /// <summary>409 naming why a server's orchestration must not run again, or null to go ahead.</summary>
    private static async Task<IResult?> RerunRefusalAsync(string id, DurableTaskClient client, ServerOrchestrations rules, CancellationToken ct) =>
        await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct) is { } instance && await rules.RerunRefusalAsync(instance, ct) is { } why
            ? ApiProblems.Conflict($"Instance '{id}': {why}")
            : null;

    /// <summary>
    /// Sends a management command to an instance that exists and is in a state that takes it; the engine would
    /// otherwise accept the message and silently discard it.
    /// </summary>
    private static async Task<IResult> ActAsync(string id, DurableTaskClient client, Func<OrchestrationMetadata, string?> refusal, Func<Task> action, CancellationToken ct)
    {
        if (await client.GetInstanceAsync(id, ct) is not { } instance)
        {
            return ApiProblems.NotFound($"Orchestration instance '{id}'");
        }

        if (refusal(instance) is { } why)
        {
            return ApiProblems.Conflict($"Instance '{id}': {why}.");
        }

        try
        {
            await action();
            return Results.Accepted();
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }
}
