using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        builder.Services.Configure<PortalOptions>(builder.Configuration.GetSection(PortalOptions.Section));
        builder.Services.Configure<ApiAuthOptions>(builder.Configuration.GetSection("Auth"));
        var database = Path.GetFullPath(portal.Database);
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        builder.Services.AddDbContext<PortalDbContext>(o => o.UseSqlite($"Data Source={database}"));
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
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, p => p.RequireClaim(ApiTokens.RoleClaim, "admin"));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHostedService<AccountSeeder>();
        builder.Services.AddSingleton<ApiTokens>();
        builder.Services.AddHttpClient<VeilApi>(c => c.BaseAddress = portal.ApiBaseUrl);
        return builder;
    }
}
