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
                    extensions: new Dictionary<string, object?> { ["problems"] = check.Problems.Select(p => new { code = p.Code.ToString(), message = p.Message }).ToList() });
        });
}
