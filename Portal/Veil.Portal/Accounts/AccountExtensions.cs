using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>Identity on SQLite with cookie sign-in, the seeder, and the API client that mints tokens per account.</summary>
    public static WebApplicationBuilder AddPortalAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddCheckedOptions<PortalOptions>(builder.Configuration, PortalOptions.Section)
            .Validate(o => development || o.DemoPasswords.Count == 0,
                $"{PortalOptions.Section}:{nameof(PortalOptions.DemoPasswords)} is set, but demo accounts exist only in a Development Portal; create accounts with `Veil.Portal create-account`.");
        builder.Services.AddCheckedOptions<VeilAuthOptions>(builder.Configuration, VeilAuthOptions.Section)
            .Validate(o => o.SigningKeyBytes() is not null, $"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.SigningKey)} is required by the Portal: it signs the token of each call it makes to the API for the signed-in account.");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddDbContext<PortalDbContext>((services, o) =>
        {
            var database = Path.GetFullPath(services.GetRequiredService<IOptions<PortalOptions>>().Value.Database);
            Directory.CreateDirectory(Path.GetDirectoryName(database)!);
            o.UseSqlite($"Data Source={database}");
        });
        builder.Services.AddIdentity<VeilUser, IdentityRole>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddClaimsPrincipalFactory<VeilClaimsFactory>();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = AccountEndpoints.DeniedPath;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Outside Development the sign-in cookie never travels over plain HTTP.
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o =>
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, p => p.RequireClaim(ApiTokens.RoleClaim, "admin"));
        // The account decides on every request: a demoted admin is a tenant from their next request on, not when the cookie expires.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, AccountRevalidation>();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHostedService<AccountSeeder>();
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
