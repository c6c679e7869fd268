using Veil.Shared.Api;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Api;

internal static class PreflightEndpoints
{
    public static void MapPreflight(this RouteGroupBuilder api) =>
        api.MapPost("/mem-encryption/resolve", (ResolveRequest body) =>
        {
            var check = MemoryEncryptionResolver.Check(body.FlavorExtraSpecs ?? [], body.ImageProperties ?? [], body.MachineType);
            return check.Resolution is { } r
                ? Results.Ok(new ResolveResponse(r.Model?.ToName(), r.Resources, r.RequiredTraits, r.Checks))
                : Results.Problem(
                    detail: check.Message,
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "The request cannot be encrypted as asked",
                    extensions: new Dictionary<string, object?> { ["field"] = Field(check.Problems), ["problems"] = check.Problems.Select(p => new { code = p.Code.ToString(), message = p.Message }).ToList() });
        })
            .Doc<ResolveResponse>("Resolve what memory encryption a flavor and image ask for");

    /// <summary>The request field the first problem's first offending value came from.</summary>
    private static string Field(IReadOnlyList<MemoryEncryptionProblem> problems) =>
        problems.SelectMany(p => p.Offenders).FirstOrDefault() is { } offender
            ? offender.Source switch
            {
                RequestSource.Image => $"imageProperties.{offender.Key}",
                RequestSource.Configuration => "machineType",
                _ => $"flavorExtraSpecs.{offender.Key}",
            }
            : "flavorExtraSpecs";
}
