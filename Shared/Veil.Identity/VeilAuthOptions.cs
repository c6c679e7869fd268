using Veil.Hosting;

namespace Veil.Identity;

/// <summary>
/// How callers of the API are authenticated, bound from <c>Auth</c> by the API and the Portal alike. Locally: bearer
/// tokens signed with <see cref="SigningKey"/> (the Portal and <c>./veil run</c> mint them). In production set
/// <see cref="Authority"/> to your OpenID Connect provider; its tokens must carry the <c>project</c> and <c>role</c> claims.
/// </summary>
public sealed class VeilAuthOptions : ICheckedOptions
{
    public const string Section = "Auth";

    /// <summary>The shortest signing key accepted, in bytes (HMAC-SHA256's output size).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Base64 HMAC-SHA256 key, at least 32 bytes. Never commit one: `./veil run` generates it per machine.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority (absolute URL); when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = VeilTokens.LocalIssuer;

    public string Audience { get; set; } = VeilTokens.ApiAudience;

    /// <summary>Whether tokens come from an OpenID Connect provider (<see cref="Authority"/>) rather than the local key.</summary>
    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The signing key's bytes; null when none is set or it is unusable (<see cref="Problems"/> says why).</summary>
    public byte[]? SigningKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            return null;
        }

        var bytes = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey, bytes, out var written) && written >= MinKeyBytes ? bytes[..written] : null;
    }

    public IEnumerable<string> Problems()
    {
        if (!string.IsNullOrWhiteSpace(Authority) && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            yield return $"{Section}:{nameof(Authority)} '{Authority}' is not an absolute URL of an OpenID Connect provider.";
        }

        if (!string.IsNullOrWhiteSpace(SigningKey) && SigningKeyBytes() is null)
        {
            yield return $"{Section}:{nameof(SigningKey)} must be a base64 key of at least {MinKeyBytes} bytes.";
        }

        if (string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(Authority))
        {
            yield return $"{Section}:{nameof(SigningKey)} or {Section}:{nameof(Authority)} is required: a base64 key of at least {MinKeyBytes} bytes for locally signed tokens, or your OpenID Connect provider.";
        }

        foreach (var problem in SettingRules.Of(
            SettingRules.Required($"{Section}:{nameof(Issuer)}", Issuer, "who issues the tokens"),
            SettingRules.Required($"{Section}:{nameof(Audience)}", Audience, "whom the tokens are for")))
        {
            yield return problem;
        }
    }
}
