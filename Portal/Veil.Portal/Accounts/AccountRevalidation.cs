using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// A live circuit checks every <see cref="RevalidationInterval"/> that its account still has the project and role it
/// signed in with; an account demoted, moved or deleted meanwhile is signed out of the circuit. (Each HTTP request
/// rebuilds the principal from the account itself: the security stamp is validated on every request.)
/// </summary>
internal sealed class AccountRevalidation(ILoggerFactory logs, IServiceScopeFactory scopes) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VeilUser>>();
        return await users.GetUserAsync(principal) is { } user
            && user.Role == principal.FindFirstValue(ApiTokens.RoleClaim)
            && user.ProjectId == principal.FindFirstValue(ApiTokens.ProjectClaim)
            && (!users.SupportsUserSecurityStamp || principal.FindFirstValue(new IdentityOptions().ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user));
    }
}
