using System.Security.Claims;
using Microsoft.Extensions.Options;
using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>The API's identity settings the Portal shares (bound from <c>Auth</c>, as in Orchestrations).</summary>
public sealed class ApiAuthOptions
{
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = Veil.Identity.VeilTokens.LocalIssuer;

    public string Audience { get; set; } = Veil.Identity.VeilTokens.ApiAudience;
}

/// <summary>Mints the bearer token the Portal presents to the API on behalf of the signed-in account.</summary>
public sealed class ApiTokens(IOptions<ApiAuthOptions> options)
{
    public const string ProjectClaim = VeilTokens.ProjectClaim;
    public const string RoleClaim = VeilTokens.RoleClaim;

    /// <summary>A short-lived token (10 minutes) carrying the account's project and role.</summary>
    public string For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var settings = options.Value;
        return VeilTokens.Issue(settings.SigningKey, settings.Issuer, settings.Audience, user.Identity?.Name ?? "",
            user.FindFirstValue(ProjectClaim) ?? "", user.FindFirstValue(RoleClaim) ?? "tenant", TimeSpan.FromMinutes(10));
    }
}
