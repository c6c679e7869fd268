namespace Veil.Portal.Accounts;

/// <summary>The Portal's settings, bound from <c>Portal</c>.</summary>
public sealed class PortalOptions : Veil.Hosting.ICheckedOptions
{
    public const string Section = "Portal";

    /// <summary>The Orchestrations API's base URL. Default http://127.0.0.1:5080.</summary>
    public Uri ApiBaseUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The SQLite account database. Default <c>.veil/portal.db</c>.</summary>
    public string Database { get; set; } = Path.Combine(".veil", "portal.db");

    /// <summary>
    /// The demo accounts to create at start, each with its own password (<c>Portal:DemoPasswords:alice</c>; the names are
    /// those of <see cref="AccountSeeder.DemoAccounts"/>). A Development Portal only: anywhere else they are refused at
    /// start, and accounts are made with <c>create-account</c>.
    /// </summary>
    public Dictionary<string, string> DemoPasswords { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sign-in attempts one client address may make per minute, whatever the account. Default 20; 1–1000.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>Failed sign-ins from one address that lock the account for that address. Default 5; 1–100.</summary>
    public int SignInFailuresBeforeLockout { get; set; } = 5;

    /// <summary>How long such a lockout lasts, unless an admin lifts it. Default 5 min; 1 s–1 day.</summary>
    public TimeSpan SignInLockout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where an operator's dashboard shows one trace, with <c>{traceId}</c> where the W3C trace id goes (the Aspire
    /// dashboard's <c>http://127.0.0.1:18888/traces/detail/{traceId}</c>, which <c>./veil run</c> sets). Unset: no links.
    /// </summary>
    public string? TraceUrl { get; set; }

    /// <summary>The dashboard's page for a trace, or null when there is no dashboard or no trace.</summary>
    public string? TraceLink(string? traceId) =>
        TraceUrl is { Length: > 0 } template && traceId is { Length: 32 } ? template.Replace("{traceId}", Uri.EscapeDataString(traceId), StringComparison.Ordinal) : null;

    public IEnumerable<string> Problems() => Veil.Hosting.SettingRules.Of(
        TraceUrl is null || (TraceUrl.Contains("{traceId}", StringComparison.Ordinal) && Uri.TryCreate(TraceUrl.Replace("{traceId}", "0", StringComparison.Ordinal), UriKind.Absolute, out var trace) && trace.Scheme is "http" or "https")
            ? null : $"{Section}:{nameof(TraceUrl)} '{TraceUrl}' must be an absolute http or https URL with {{traceId}} where the trace id goes.",
        ApiBaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" } ? null : $"{Section}:{nameof(ApiBaseUrl)} '{ApiBaseUrl}' must be an absolute http or https URL of the Orchestrations API.",
        Veil.Hosting.SettingRules.Required($"{Section}:{nameof(Database)}", Database, "the path of the account database"),
        Veil.Hosting.SettingRules.Between($"{Section}:{nameof(SignInAttemptsPerMinute)}", SignInAttemptsPerMinute, 1, 1000),
        Veil.Hosting.SettingRules.Between($"{Section}:{nameof(SignInFailuresBeforeLockout)}", SignInFailuresBeforeLockout, 1, 100),
        Veil.Hosting.SettingRules.Between($"{Section}:{nameof(SignInLockout)}", SignInLockout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
        DemoPasswords.Keys.FirstOrDefault(name => !AccountSeeder.DemoAccounts.Any(a => a.Name == name)) is { } unknown
            ? $"{Section}:{nameof(DemoPasswords)}:{unknown} names no demo account; they are {string.Join(", ", AccountSeeder.DemoAccounts.Select(a => a.Name))}."
            : null);
}
