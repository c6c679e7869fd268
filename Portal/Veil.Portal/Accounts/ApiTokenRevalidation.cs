using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Veil.Portal.Accounts;

/// <summary>
/// A live circuit of a user signed in through the provider checks every <see cref="RevalidationInterval"/> that their
/// access token still lasts; once it has ended the circuit is signed out, and the page sends the user back through the
/// provider for a new one (the cookie ends with the token too, so a new request does the same).
/// </summary>
internal sealed class ApiTokenRevalidation(ILoggerFactory logs, TimeProvider time) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(Lasts(authenticationState.User, time.GetUtcNow()));

    /// <summary>Whether the user's access token still lasts at <paramref name="now"/>.</summary>
    internal static bool Lasts(ClaimsPrincipal user, DateTimeOffset now) =>
        user.FindFirstValue(ApiTokens.AccessTokenClaim) is { } token
        && new JsonWebTokenHandler().CanReadToken(token)
        && new JsonWebToken(token).ValidTo > now.UtcDateTime;
}
