using System.Security.Claims;
using Microsoft.Extensions.Options;
using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>Mints the bearer token the Portal presents to the API on behalf of the signed-in account, with the API's
/// own <c>Auth</c> settings.</summary>
public sealed class ApiTokens(IOptions<VeilAuthOptions> options, TimeProvider time)
{
    public const string ProjectClaim = VeilTokens.ProjectClaim;
    public const string RoleClaim = VeilTokens.RoleClaim;

    /// <summary>A short-lived token (10 minutes) carrying the account's project and role.</summary>
    public string For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return VeilTokens.Issue(options.Value, time.GetUtcNow(), user.Identity?.Name ?? "",
            user.FindFirstValue(ProjectClaim) ?? "", user.FindFirstValue(RoleClaim) ?? "tenant", TimeSpan.FromMinutes(10));
    }
}
