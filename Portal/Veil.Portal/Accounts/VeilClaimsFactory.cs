using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Veil.Portal.Accounts;

/// <summary>Puts the account's project and role into its sign-in cookie (the API token is minted from them).</summary>
internal sealed class VeilClaimsFactory(UserManager<VeilUser> users, IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<VeilUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(VeilUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ApiTokens.ProjectClaim, user.ProjectId));
        identity.AddClaim(new Claim(ApiTokens.RoleClaim, user.Role));
        return identity;
    }
}
