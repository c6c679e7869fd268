using Veil.Identity;

namespace Veil.Orchestrations.Api;

/// <summary>Mints the locally signed bearer tokens tools and tests use (not for production identity).</summary>
public static class DevTokens
{
    public static string Issue(VeilAuthOptions options, string subject, string projectId, string role, TimeSpan? lifetime = null) =>
        VeilTokens.Issue(options, TimeProvider.System.GetUtcNow(), subject, projectId, role, lifetime ?? TimeSpan.FromHours(8));
}
