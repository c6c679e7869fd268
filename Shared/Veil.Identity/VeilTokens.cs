using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Veil.Identity;

/// <summary>
/// Veil's bearer tokens: <c>sub</c>, <c>project</c> and <c>role</c> (<c>tenant</c> or <c>admin</c>) claims, HS256-signed
/// with the local key (<c>Auth:SigningKey</c>). The Portal mints one per call for the signed-in account; the
/// Orchestrations <c>token</c> command mints them for tools; the API validates them.
/// </summary>
public static class VeilTokens
{
    public const string SubjectClaim = "sub";
    public const string ProjectClaim = "project";
    public const string RoleClaim = "role";

    /// <summary>Who issues locally signed tokens, and for whom (<c>Auth:Issuer</c>, <c>Auth:Audience</c> by default).</summary>
    public const string LocalIssuer = "veil-local";
    public const string ApiAudience = "veil-api";

    /// <summary>
    /// A token for the subject in the project with the role, signed with the <c>Auth:SigningKey</c> the API shares with
    /// whoever mints, valid for <paramref name="lifetime"/> from <paramref name="now"/>.
    /// </summary>
    public static string Issue(VeilAuthOptions auth, DateTimeOffset now, string subject, string projectId, string role, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(auth);
        var key = new SymmetricSecurityKey(auth.SigningKeyBytes() ?? throw new InvalidOperationException($"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.SigningKey)} is not set to a usable key; tokens cannot be signed."));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Subject = new ClaimsIdentity([new Claim(SubjectClaim, subject), new Claim(ProjectClaim, projectId), new Claim(RoleClaim, role)]),
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
