using System.Security.Claims;
using System.Text.Json;
using Veil.DurableTask;

namespace Veil.Orchestrations.Api;

/// <summary>Body of terminate/suspend/resume/rewind.</summary>
public sealed record InstanceActionRequest(string? Reason);

/// <summary>Admin-only management of orchestration instances and parked messages.</summary>
internal static class OrchestrationAdminEndpoints
{
    public static void MapOrchestrationAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/orchestrations").AddEndpointFilter(async (context, next) =>
            VeilCaller.From(context.HttpContext.User).IsAdmin ? await next(context) : ApiProblems.Forbidden("Only admins manage orchestrations."));
        admin.MapGet("/", async (string? status, string? name, string? prefix, DateTimeOffset? from, DateTimeOffset? to, int? pageSize, string? continuationToken, DurableTaskClient client, CancellationToken ct) =>
        {
            var statuses = new List<OrchestrationRuntimeStatus>();
            foreach (var s in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<OrchestrationRuntimeStatus>(s, ignoreCase: true, out var parsed))
                {
                    return ApiProblems.BadField("status", $"'{s}' is not a status; use {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.");
                }

                statuses.Add(parsed);
            }

            if (pageSize is < 1 or > 1000)
            {
                return ApiProblems.BadField("pageSize", "pageSize must be between 1 and 1000.");
            }

            var query = new OrchestrationQuery { Statuses = statuses, Name = name, InstanceIdPrefix = prefix, CreatedFrom = from, CreatedTo = to, PageSize = pageSize ?? 50, ContinuationToken = continuationToken };
            return Results.Ok(await client.QueryInstancesAsync(query, ct));
        });
        admin.MapGet("/{id}", async (string id, DurableTaskClient client, CancellationToken ct) =>
            await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct) is { } instance ? Results.Ok(instance) : ApiProblems.NotFound($"Orchestration instance '{id}'"));
        admin.MapGet("/{id}/history", async (string id, DurableTaskClient client, CancellationToken ct) =>
            Results.Ok(await client.GetOrchestrationHistoryAsync(id, ct)));
        admin.MapPost("/{id}/terminate", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            Act(() => client.TerminateInstanceAsync(id, body?.Reason, ct)));
        admin.MapPost("/{id}/suspend", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            Act(() => client.SuspendInstanceAsync(id, body?.Reason, ct)));
        admin.MapPost("/{id}/resume", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            Act(() => client.ResumeInstanceAsync(id, body?.Reason, ct)));
        admin.MapPost("/{id}/rewind", (string id, InstanceActionRequest? body, DurableTaskClient client, CancellationToken ct) =>
            Act(() => client.RewindInstanceAsync(id, body?.Reason, ct)));
        admin.MapPost("/{id}/restart", async (string id, bool? newInstanceId, DurableTaskClient client, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(new { instanceId = await client.RestartAsync(id, newInstanceId ?? false, ct) });
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return ApiProblems.Conflict(e.Message);
            }
        });
        admin.MapDelete("/{id}", async (string id, bool? recursive, DurableTaskClient client, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(await client.PurgeInstanceAsync(id, recursive ?? false, ct));
            }
            catch (InvalidOperationException e)
            {
                return ApiProblems.Conflict(e.Message);
            }
        });
        admin.MapPost("/{id}/events/{name}", async (string id, string name, JsonElement? payload, DurableTaskClient client, CancellationToken ct) =>
        {
            await client.RaiseEventAsync(id, name, payload, ct);
            return Results.Accepted();
        });

        var poison = api.MapGroup("/poison").AddEndpointFilter(async (context, next) =>
            VeilCaller.From(context.HttpContext.User).IsAdmin ? await next(context) : ApiProblems.Forbidden("Only admins manage parked messages."));
        poison.MapGet("/", async (Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) => Results.Ok(await parked.ListAsync(null, ct)));
        poison.MapPost("/{**id}", async (string id, Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) =>
            await parked.ReplayAsync(id, ct) ? Results.Accepted() : ApiProblems.NotFound($"Parked message '{id}'"));
        poison.MapDelete("/{**id}", async (string id, Veil.Storage.Queues.ParkedMessageStore parked, CancellationToken ct) =>
            await parked.DiscardAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Parked message '{id}'"));
    }

    private static async Task<IResult> Act(Func<Task> action)
    {
        try
        {
            await action();
            return Results.Accepted();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }
}
