namespace Veil.Portal.Accounts;

/// <summary>The Portal's settings, bound from <c>Portal</c>.</summary>
public sealed class PortalOptions : Veil.Hosting.ICheckedOptions
{
    public const string Section = "Portal";

    /// <summary>The Orchestrations API's base URL. Default http://127.0.0.1:5080.</summary>
    public Uri ApiBaseUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The SQLite account database. Default <c>.veil/portal.db</c>.</summary>
    public string Database { get; set; } = Path.Combine(".veil", "portal.db");

    /// <summary>When set, the demo accounts (alice, bob, admin) are created with this password at start. Local use only.</summary>
    public string? SeedPassword { get; set; }

    public IEnumerable<string> Problems() => Veil.Hosting.SettingRules.Of(
        ApiBaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" } ? null : $"{Section}:{nameof(ApiBaseUrl)} '{ApiBaseUrl}' must be an absolute http or https URL of the Orchestrations API.",
        Veil.Hosting.SettingRules.Required($"{Section}:{nameof(Database)}", Database, "the path of the account database"));
}
