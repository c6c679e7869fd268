using System.Security.Claims;
using Veil.Orchestrations.Quotas;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Catalog;
using Veil.Shared.Quotas;

namespace Veil.Orchestrations.Api;

/// <summary>Project quotas (nova's <c>os-quota-sets</c>): tenants read their own with usage; admins read and set any project's.</summary>
internal static class QuotaEndpoints
{
    public static void MapQuotas(this RouteGroupBuilder api)
    {
        api.MapGet("/quota", async (ClaimsPrincipal user, QuotaStore quotas, ServerStore servers, CancellationToken ct) =>
            VeilCaller.From(user).ProjectId is { Length: > 0 } project
                ? Results.Ok(await ViewAsync(project, quotas, servers, ct))
                : ApiProblems.Forbidden("Your identity names no project; quotas belong to a project."))
            .Doc<QuotaView>("Your project's quotas and what its servers use", StatusCodes.Status200OK, StatusCodes.Status403Forbidden);

        var admin = api.MapGroup("/admin/quotas").RequireAdmin();
        admin.MapGet("", async (QuotaStore quotas, ServerStore servers, CancellationToken ct) =>
        {
            // Every project that has live servers or limits of its own.
            var set = await quotas.ListAsync(ct);
            var live = (await servers.ListAsync(null, ct)).Where(s => s.Status != Veil.Shared.Contracts.ServerStatus.Deleted).GroupBy(s => s.ProjectId).ToDictionary(g => g.Key, g => QuotaSet.UsedBy(g));
            return set.Keys.Union(live.Keys).Order(StringComparer.Ordinal)
                .Select(p => new QuotaView(p, set.GetValueOrDefault(p) ?? quotas.Defaults, live.GetValueOrDefault(p) ?? QuotaSet.None, set.ContainsKey(p)))
                .ToList();
        })
            .Doc<QuotaView[]>("Every project's quotas and usage: those with servers or limits of their own");
        admin.MapGet("/{projectId}", async (string projectId, QuotaStore quotas, ServerStore servers, CancellationToken ct) =>
            CatalogNames.IsValid(projectId)
                ? Results.Ok(await ViewAsync(projectId, quotas, servers, ct))
                : ApiProblems.BadField("projectId", $"Project '{projectId}' must be {CatalogNames.Rule}."))
            .Doc<QuotaView>("A project's quotas and usage", StatusCodes.Status200OK, StatusCodes.Status400BadRequest);
        admin.MapPut("/{projectId}", async (string projectId, QuotaSet body, QuotaStore quotas, ServerStore servers, CancellationToken ct) =>
        {
            if (!CatalogNames.IsValid(projectId))
            {
                return ApiProblems.BadField("projectId", $"Project '{projectId}' must be {CatalogNames.Rule}.");
            }

            if (body.LimitProblems().FirstOrDefault() is { Field: not null } problem)
            {
                return ApiProblems.BadField(problem.Field, problem.Message);
            }

            // Lowering a limit below what is used is allowed, as in nova: existing servers stay, new ones are refused.
            await quotas.SetAsync(projectId, body, ct);
            return Results.Ok(await ViewAsync(projectId, quotas, servers, ct));
        })
            .Doc<QuotaView>("Set a project's quotas (-1: unlimited); models left out keep the default", StatusCodes.Status200OK, StatusCodes.Status400BadRequest);
    }

    private static async Task<QuotaView> ViewAsync(string projectId, QuotaStore quotas, ServerStore servers, CancellationToken ct)
    {
        var set = await quotas.ListAsync(ct);
        return new QuotaView(projectId, await quotas.LimitsAsync(projectId, ct), QuotaSet.UsedBy(await servers.ListAsync(projectId, ct)), set.ContainsKey(projectId));
    }
}
