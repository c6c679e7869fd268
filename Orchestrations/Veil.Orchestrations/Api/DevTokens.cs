using Veil.Identity;

namespace Veil.Orchestrations.Api;

/// <summary>Mints the locally signed bearer tokens tools and tests use (not for production identity).</summary>
public static class DevTokens
{
    public static string Issue(AuthOptions options, string subject, string projectId, string role, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return VeilTokens.Issue(options.SigningKey, options.Issuer, options.Audience, subject, projectId, role, lifetime ?? TimeSpan.FromHours(8));
    }
}
