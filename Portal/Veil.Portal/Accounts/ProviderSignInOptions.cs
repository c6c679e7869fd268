namespace Veil.Portal.Accounts;

/// <summary>
/// The Portal as a client of the OpenID Connect provider named by <c>Auth:Authority</c>, bound from <c>Portal:Oidc</c>:
/// the client the operator registered at the provider for the Portal, with <c>https://&lt;portal&gt;/signin-oidc</c> as
/// its redirect URI and <c>https://&lt;portal&gt;/signout-callback-oidc</c> as its post-logout one.
/// </summary>
public sealed class ProviderSignInOptions : Veil.Hosting.ICheckedOptions
{
    public const string Section = "Portal:Oidc";

    /// <summary>The Portal's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its client secret. A secret: give it in the environment (<c>Portal__Oidc__ClientSecret</c>), never in a file in the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c> and <c>profile</c>: whatever makes the provider issue an access token
    /// for the API (<c>Auth:Audience</c>), if it needs one asked for.</summary>
    public List<string> Scopes { get; set; } = [];

    public IEnumerable<string> Problems() => Veil.Hosting.SettingRules.Of(
        Veil.Hosting.SettingRules.Required($"{Section}:{nameof(ClientId)}", ClientId, "the Portal's client id at the provider named by Auth:Authority"),
        Veil.Hosting.SettingRules.Required($"{Section}:{nameof(ClientSecret)}", ClientSecret, "the Portal's client secret at that provider"),
        Scopes.FirstOrDefault(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)) is { } bad
            ? $"{Section}:{nameof(Scopes)} has '{bad}'; each scope is one word without spaces." : null);
}
