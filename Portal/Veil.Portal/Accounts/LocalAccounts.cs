using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// The Portal's own accounts (a Development convenience): Identity on SQLite with cookie sign-in, the demo accounts'
/// seeder, failed sign-ins counted per address, and the account re-read on every request. The API token is minted for
/// each call with the shared <c>Auth:SigningKey</c>.
/// </summary>
internal static class LocalAccounts
{
    public static void AddLocalAccounts(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<PortalOptions>()
            .Validate(o => development || o.DemoPasswords.Count == 0,
                $"{PortalOptions.Section}:{nameof(PortalOptions.DemoPasswords)} is set, but demo accounts exist only in a Development Portal.");
        builder.Services.AddOptions<VeilAuthOptions>()
            .Validate(o => o.SigningKeyBytes() is not null, $"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.SigningKey)} is required by the Portal: it signs the token of each call it makes to the API for the signed-in account.");
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
            o.LoginPath = AccountEndpoints.LoginPath;
            o.AccessDeniedPath = AccountEndpoints.DeniedPath;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = AccountExtensions.CookieSecurity(builder.Environment);
        });
        // The account decides on every request: a demoted admin is a tenant from their next request on, not when the cookie expires.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, AccountRevalidation>();
        builder.Services.AddHostedService<AccountSeeder>();
    }
}
