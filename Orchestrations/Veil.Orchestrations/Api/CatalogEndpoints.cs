using System.Security.Claims;
using Veil.Orchestrations.Catalog;
using Veil.Shared.Api;
using Veil.Shared.Catalog;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Api;

internal static class CatalogEndpoints
{
    public static void MapCatalog(this RouteGroupBuilder api)
    {
        api.MapGet("/flavors", async ([AsParameters] ApiPages page, HttpContext http, CatalogStore catalog, CancellationToken ct) =>
            page.Of(http, (await catalog.ListFlavorsAsync(ct)).OrderBy(f => f.Name, StringComparer.Ordinal), f => f.Name))
            .Doc<Flavor[]>("List flavors by name");
        api.MapPost("/flavors", ProposeAsync).Doc<Flavor>("Propose a flavor for approval", StatusCodes.Status201Created, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        api.MapDelete("/flavors/{name}", WithdrawAsync).Doc("Withdraw a flavor proposal still awaiting a decision (its proposer, or an admin)", StatusCodes.Status204NoContent, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/flavors/{name}/capacity", CapacityAsync).Doc<FlavorCapacity>("What a flavor, with an image, could get now", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        api.MapGet("/images", async ([AsParameters] ApiPages page, HttpContext http, CatalogStore catalog, CancellationToken ct) =>
            page.Of(http, (await catalog.ListImagesAsync(ct)).OrderBy(i => i.Id, StringComparer.Ordinal), i => i.Id))
            .Doc<Image[]>("List images by id");
        var admin = api.MapGroup("").RequireAdmin();
        admin.MapPost("/flavors/{name}/approve", (string name, FlavorDecisionRequest? body, ClaimsPrincipal user, CatalogStore catalog, TimeProvider time, CancellationToken ct) =>
            DecideAsync(name, FlavorStatus.Approved, body?.Reason, VeilCaller.From(user), catalog, time, ct))
            .Doc<Flavor>("Approve a flavor", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        admin.MapPost("/flavors/{name}/reject", (string name, FlavorDecisionRequest? body, ClaimsPrincipal user, CatalogStore catalog, TimeProvider time, CancellationToken ct) =>
            DecideAsync(name, FlavorStatus.Rejected, body?.Reason, VeilCaller.From(user), catalog, time, ct))
            .Doc<Flavor>("Reject a flavor, with a reason", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        admin.MapPost("/images", RegisterImageAsync).Doc<Image>("Register an image", StatusCodes.Status201Created, StatusCodes.Status409Conflict);
        admin.MapImageFiles();
    }

    private static async Task<IResult> ProposeAsync(ProposeFlavorRequest body, ClaimsPrincipal user, CatalogStore catalog, Microsoft.Extensions.Options.IOptions<Quotas.QuotaOptions> quotas, TimeProvider time, CancellationToken ct)
    {
        var extraSpecs = body.ExtraSpecs ?? [];
        if (FlavorRules.Check(body.Name, body.VCpus, body.MemoryMiB, body.DiskGiB, extraSpecs) is [var first, ..] problems)
        {
            return ApiProblems.BadField(first.Field, string.Join(" ", problems.Where(p => p.Field == first.Field).Select(p => p.Message)));
        }

        var caller = VeilCaller.From(user);
        var limit = quotas.Value.PendingFlavorProposals;
        if (!caller.IsAdmin && (await catalog.ListFlavorsAsync(ct)).Count(f => f.Status == FlavorStatus.Pending && f.ProposedByProject == caller.ProjectId) >= limit)
        {
            return ApiProblems.OverQuota("flavor_proposals",
                $"Project {caller.ProjectId} already has {limit} flavor proposals awaiting a decision, the most it may; withdraw one (DELETE /api/flavors/{{name}}) or wait for an admin to decide.");
        }

        var flavor = new Flavor
        {
            Name = body.Name!,
            VCpus = body.VCpus,
            MemoryMiB = body.MemoryMiB,
            DiskGiB = body.DiskGiB,
            ExtraSpecs = extraSpecs,
            Status = FlavorStatus.Pending,
            ProposedBy = caller.Subject,
            ProposedByProject = caller.ProjectId,
            ProposedAt = time.GetUtcNow(),
        };
        return await catalog.AddFlavorAsync(flavor, ct)
            ? Results.Created($"/api/flavors/{flavor.Name}", flavor)
            : ApiProblems.Conflict($"Flavor '{flavor.Name}' already exists.");
    }

    private static async Task<IResult> WithdrawAsync(string name, ClaimsPrincipal user, CatalogStore catalog, CancellationToken ct)
    {
        var caller = VeilCaller.From(user);
        var forbidden = false;
        var (found, refusal) = await catalog.DeleteFlavorAsync(name, f =>
        {
            forbidden = !caller.IsAdmin && f.ProposedBy != caller.Subject;
            return forbidden ? $"Flavor '{name}' was proposed by someone else; only they or an admin may withdraw it."
                : f.Status != FlavorStatus.Pending ? $"Flavor '{name}' is {VeilJson.Word(f.Status)}; only a proposal awaiting a decision can be withdrawn."
                : null;
        }, ct);
        return (found, refusal) switch
        {
            (false, _) => ApiProblems.NotFound($"Flavor '{name}'"),
            (true, null) => Results.NoContent(),
            _ when forbidden => ApiProblems.Forbidden(refusal),
            _ => ApiProblems.Conflict(refusal),
        };
    }

    /// <summary>
    /// How many hosts could take a server of this flavor and image now, and their free ASID slots — placement's own
    /// answer, so the launch wizard never promises what the scheduler would refuse. Names no host (tenants ask).
    /// </summary>
    private static async Task<IResult> CapacityAsync(string name, string? imageId, CatalogStore catalog, Veil.Orchestrations.Hosts.HostRegistry registry, Microsoft.Extensions.Options.IOptions<Veil.Orchestrations.Boot.BootOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await catalog.GetFlavorAsync(name, ct) is not { } flavor)
        {
            return ApiProblems.NotFound($"Flavor '{name}'");
        }

        var properties = FlavorRules.FittingImage;
        if (imageId is not null)
        {
            if (await catalog.GetImageAsync(imageId, ct) is not { } image)
            {
                return ApiProblems.NotFound($"Image '{imageId}'");
            }

            if (Veil.Shared.Guests.GuestRules.ImageDiskProblem(image.Files, flavor.DiskGiB) is { } diskProblem)
            {
                return Results.Ok(new FlavorCapacity(flavor.Name, null, 0, null, diskProblem));
            }

            properties = image.Properties;
        }

        var check = MemoryEncryptionResolver.Check(flavor.ExtraSpecs, properties, null);
        if (check.Resolution is not { } request)
        {
            return Results.Ok(new FlavorCapacity(flavor.Name, null, 0, null, check.Message));
        }

        var decision = Veil.Shared.Placement.HostPlacement.Select(request, await registry.ListAsync(ct), time.GetUtcNow(), options.Value.HeartbeatWindow, int.MaxValue,
            properties.GetValueOrDefault(RequestKeys.ImageHypervisorType));
        return Results.Ok(new FlavorCapacity(
            flavor.Name,
            request.Model is { } model ? MemoryEncryptionModels.ToName(model) : null,
            decision.Candidates.Count,
            request.Model is null ? null : decision.Candidates.Sum(c => c.Free),
            null));
    }

    private static async Task<IResult> DecideAsync(string name, FlavorStatus decision, string? reason, VeilCaller caller, CatalogStore catalog, TimeProvider time, CancellationToken ct)
    {
        if (decision == FlavorStatus.Rejected && string.IsNullOrWhiteSpace(reason))
        {
            return ApiProblems.BadField("reason", "A rejection needs a reason the proposer can read.");
        }

        if (await catalog.GetFlavorAsync(name, ct) is not { } flavor)
        {
            return ApiProblems.NotFound($"Flavor '{name}'");
        }

        var decided = flavor with { Status = decision, DecidedBy = caller.Subject, DecidedAt = time.GetUtcNow(), Reason = reason };
        await catalog.SaveFlavorAsync(decided, ct);
        return Results.Ok(decided);
    }

    private static async Task<IResult> RegisterImageAsync(RegisterImageRequest body, CatalogStore catalog, CancellationToken ct)
    {
        if (!IsName(body.Id))
        {
            return ApiProblems.BadField("id", $"Image id '{body.Id}' must be 1-64 letters, digits, '.', '_' or '-'.");
        }

        if (body.Files?.Parts().Select(p => p.File.Problem(p.Part)).FirstOrDefault(p => p is not null) is { } fileProblem)
        {
            return ApiProblems.BadField("files", fileProblem);
        }

        if (body.Files is { Initrd: not null, Kernel: null })
        {
            return ApiProblems.BadField("files", "an initrd needs a kernel beside it.");
        }

        var image = new Image { Id = body.Id!, Name = string.IsNullOrWhiteSpace(body.Name) ? body.Id! : body.Name, Properties = body.Properties ?? [], Files = body.Files };
        return await catalog.AddImageAsync(image, ct) ? Results.Created($"/api/images/{image.Id}", image) : ApiProblems.Conflict($"Image '{image.Id}' already exists.");
    }

    private static bool IsName(string? name) => CatalogNames.IsValid(name);
}
