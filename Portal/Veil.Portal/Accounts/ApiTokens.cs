using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Veil.Portal.Accounts;

/// <summary>The API's identity settings the Portal shares (bound from <c>Auth</c>, as in Orchestrations).</summary>
public sealed class ApiAuthOptions
{
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "veil-local";

    public string Audience { get; set; } = "veil-api";
}

/// <summary>Mints the bearer token the Portal presents to the API on behalf of the signed-in account.</summary>
public sealed class ApiTokens(IOptions<ApiAuthOptions> options)
{
    public const string ProjectClaim = "project";
    public const string RoleClaim = "role";

    public string For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var settings = options.Value;
        var key = new SymmetricSecurityKey(Convert.FromBase64String(settings.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set for the Portal.")));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", user.Identity?.Name ?? ""),
                new Claim(ProjectClaim, user.FindFirstValue(ProjectClaim) ?? ""),
                new Claim(RoleClaim, user.FindFirstValue(RoleClaim) ?? "tenant"),
            ]),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
