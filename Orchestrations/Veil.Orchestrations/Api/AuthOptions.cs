namespace Veil.Orchestrations.Api;

/// <summary>
/// How the API authenticates callers, bound from <c>Auth</c>. Locally: bearer tokens signed with
/// <see cref="SigningKey"/> (the Portal and <c>./veil run</c> mint them). In production set <see cref="Authority"/>
/// to your OpenID Connect provider; its tokens must carry the <c>project</c> and <c>role</c> claims.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 HMAC-SHA256 key, at least 32 bytes. Never commit one: `./veil run` generates it per machine.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority (https URL); when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = Veil.Identity.VeilTokens.LocalIssuer;

    public string Audience { get; set; } = Veil.Identity.VeilTokens.ApiAudience;
}
