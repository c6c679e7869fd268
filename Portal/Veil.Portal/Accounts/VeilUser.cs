using Microsoft.AspNetCore.Identity;

namespace Veil.Portal.Accounts;

/// <summary>A Portal account: a tenant of one project, or an admin.</summary>
public sealed class VeilUser : IdentityUser
{
    public string ProjectId { get; set; } = "";

    /// <summary><c>tenant</c> or <c>admin</c>.</summary>
    public string Role { get; set; } = "tenant";
}
