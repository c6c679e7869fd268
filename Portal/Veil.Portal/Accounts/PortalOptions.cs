namespace Veil.Portal.Accounts;

/// <summary>The Portal's settings, bound from <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>The Orchestrations API's base URL. Default http://127.0.0.1:5080.</summary>
    public Uri ApiBaseUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The SQLite account database. Default <c>.veil/portal.db</c>.</summary>
    public string Database { get; set; } = Path.Combine(".veil", "portal.db");

    /// <summary>When set, the demo accounts (alice, bob, admin) are created with this password at start. Local use only.</summary>
    public string? SeedPassword { get; set; }
}
