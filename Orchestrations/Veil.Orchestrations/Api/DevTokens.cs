using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Veil.Orchestrations.Api;

/// <summary>Mints the locally signed bearer tokens the Portal and tests use (not for production identity).</summary>
public static class DevTokens
{
    public static string Issue(AuthOptions options, string subject, string projectId, string role, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = new SymmetricSecurityKey(Convert.FromBase64String(options.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set.")));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim(VeilCaller.ProjectClaim, projectId), new Claim(VeilCaller.RoleClaim, role)]),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(8)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
