using System.Security.Claims;
using Veil.Orchestrations.KeyPairs;
using Veil.Shared.Api;
using Veil.Shared.Catalog;
using Veil.Shared.Guests;

namespace Veil.Orchestrations.Api;

/// <summary>A user's key pairs (nova's <c>os-keypairs</c>): upload a public key, list, show, delete.</summary>
internal static class KeyPairsEndpoints
{
    public static void MapKeyPairs(this RouteGroupBuilder api)
    {
        api.MapPost("/keypairs", CreateAsync).Doc<KeyPair>("Upload a key pair's public key", StatusCodes.Status201Created, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        api.MapGet("/keypairs", async ([AsParameters] ApiPages page, HttpContext http, ClaimsPrincipal user, KeyPairStore keyPairs, CancellationToken ct) =>
            page.Of(http, (await keyPairs.ListAsync(VeilCaller.From(user).Subject, ct)).OrderBy(k => k.Name, StringComparer.Ordinal), k => k.Name))
            .Doc<KeyPair[]>("List your key pairs by name");
        api.MapGet("/keypairs/{name}", async (string name, ClaimsPrincipal user, KeyPairStore keyPairs, CancellationToken ct) =>
            await keyPairs.GetAsync(VeilCaller.From(user).Subject, name, ct) is { } keyPair ? Results.Ok(keyPair) : ApiProblems.NotFound($"Key pair '{name}'"))
            .Doc<KeyPair>("Show one of your key pairs", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        api.MapDelete("/keypairs/{name}", async (string name, ClaimsPrincipal user, KeyPairStore keyPairs, CancellationToken ct) =>
            await keyPairs.DeleteAsync(VeilCaller.From(user).Subject, name, ct) ? Results.NoContent() : ApiProblems.NotFound($"Key pair '{name}'"))
            .Doc("Delete one of your key pairs", StatusCodes.Status204NoContent, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(CreateKeyPairRequest body, ClaimsPrincipal user, KeyPairStore keyPairs, TimeProvider time, CancellationToken ct)
    {
        var caller = VeilCaller.From(user);
        if (caller.Subject.Length == 0)
        {
            return ApiProblems.Forbidden("Your identity names no user; a key pair belongs to a user.");
        }

        if (!CatalogNames.IsValid(body.Name))
        {
            return ApiProblems.BadField("name", $"Key pair name '{body.Name}' must be {CatalogNames.Rule}.");
        }

        var (key, problem) = OpenSshPublicKey.Parse(body.PublicKey);
        if (key is null)
        {
            return ApiProblems.BadField("publicKey", $"Key pair '{body.Name}': {problem}");
        }

        var keyPair = new KeyPair { Name = body.Name!, PublicKey = key.Line, Type = key.Type, Fingerprint = key.Fingerprint, CreatedAt = time.GetUtcNow() };
        return await keyPairs.AddAsync(caller.Subject, keyPair, ct)
            ? Results.Created($"/api/keypairs/{keyPair.Name}", keyPair)
            : ApiProblems.Conflict($"You already have a key pair named '{keyPair.Name}'; delete it first or choose another name.");
    }
}
