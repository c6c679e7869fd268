using System.Security.Claims;
using Microsoft.Extensions.Options;
using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// The bearer token the Portal presents to the API on behalf of the signed-in user. Signed in through the provider
/// (<c>Auth:Authority</c>): the user's own access token, kept in their sign-in cookie. Otherwise (local accounts, a
/// Development convenience): minted here with the API's own <c>Auth</c> settings.
/// </summary>
public sealed class ApiTokens(SignInMode mode, IOptions<VeilAuthOptions> options, TimeProvider time)
{
    public const string ProjectClaim = VeilTokens.ProjectClaim;
    public const string RoleClaim = VeilTokens.RoleClaim;

    /// <summary>Where a user signed in through the provider keeps the access token it gave them.</summary>
    public const string AccessTokenClaim = "veil:access_token";

    /// <summary>The provider's token for the user, or a short-lived one (10 minutes) minted with their project and role.</summary>
    public string For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (mode.ThroughProvider)
        {
            return user.FindFirstValue(AccessTokenClaim)
                ?? throw new InvalidOperationException("The user is not signed in through the identity provider: there is no access token to call the API with.");
        }

        return VeilTokens.Issue(options.Value, time.GetUtcNow(), user.Identity?.Name ?? "",
            user.FindFirstValue(ProjectClaim) ?? "", user.FindFirstValue(RoleClaim) ?? "tenant", TimeSpan.FromMinutes(10));
    }
}
