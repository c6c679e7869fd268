using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// How users sign in, decided once from the settings as the Portal is built, and asked of this one object everywhere:
/// through the OpenID Connect provider (<c>Auth:Authority</c> set) or with the Portal's own accounts (Development).
/// </summary>
public sealed record SignInMode(bool ThroughProvider)
{
    public static SignInMode From(IConfiguration configuration) =>
        new((configuration.GetSection(VeilAuthOptions.Section).Get<VeilAuthOptions>() ?? new VeilAuthOptions()).UsesAuthority);
}
