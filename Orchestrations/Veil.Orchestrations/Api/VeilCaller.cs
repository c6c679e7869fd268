using System.Security.Claims;

namespace Veil.Orchestrations.Api;

/// <summary>Who is calling: their project and whether they are an admin (claims <c>project</c> and <c>role</c>).</summary>
public sealed record VeilCaller(string Subject, string ProjectId, bool IsAdmin)
{
    public const string ProjectClaim = Veil.Identity.VeilTokens.ProjectClaim;
    public const string RoleClaim = Veil.Identity.VeilTokens.RoleClaim;

    public static VeilCaller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new VeilCaller(
            user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            user.FindFirstValue(ProjectClaim) ?? "",
            user.FindAll(RoleClaim).Concat(user.FindAll(ClaimTypes.Role)).Any(c => c.Value == "admin"));
    }

    /// <summary>Admins see every project; tenants only their own.</summary>
    public bool CanSee(string projectId) => IsAdmin || ProjectId == projectId;
}
