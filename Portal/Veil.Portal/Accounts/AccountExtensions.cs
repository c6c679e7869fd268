using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Veil.Hosting;
using Veil.Identity;
using Veil.Portal.Api;

namespace Veil.Portal.Accounts;

public static class AccountExtensions
{
    /// <summary>Pages only admins see (the API enforces the same on its side).</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The Portal's cookies (sign-in, antiforgery) never travel over plain HTTP outside Development.</summary>
    public static CookieSecurePolicy CookieSecurity(IHostEnvironment environment) =>
        environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    /// <summary>
    /// How users sign in — through the OpenID Connect provider when <c>Auth:Authority</c> is set
    /// (<see cref="ProviderSignIn"/>), else with the Portal's own accounts, which only a Development Portal may have
    /// (<see cref="LocalAccounts"/>) — and the API client that calls as the signed-in user.
    /// </summary>
    public static WebApplicationBuilder AddPortalAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddCheckedOptions<PortalOptions>(builder.Configuration, PortalOptions.Section);
        builder.Services.AddVeilAuthOptions(builder.Configuration, builder.Environment)
            .Validate(o => development || o.UsesAuthority,
                $"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.Authority)} is required outside Development: the Portal signs users in through your OpenID Connect provider (with Portal:Oidc:ClientId and Portal:Oidc:ClientSecret); its own accounts and the tokens it would mint for them are a Development convenience.");
        var mode = SignInMode.From(builder.Configuration);
        builder.Services.AddSingleton(mode);
        if (mode.ThroughProvider)
        {
            builder.AddProviderSignIn();
        }
        else
        {
            builder.AddLocalAccounts();
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurity(builder.Environment));
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, p => p.RequireClaim(ApiTokens.RoleClaim, "admin"));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSignInRateLimit();
        builder.Services.AddSingleton<ApiTokens>();
        builder.Services.AddHttpClient<VeilApi>((services, c) =>
        {
            c.BaseAddress = services.GetRequiredService<IOptions<PortalOptions>>().Value.ApiBaseUrl;
            c.Timeout = Timeout.InfiniteTimeSpan; // VeilApi times its own calls: an image upload may take longer
        });
        return builder;
    }
}
