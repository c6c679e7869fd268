using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Veil.Orchestrations.Api;

public static class ApiExtensions
{
    /// <summary>Bearer authentication, problem+json errors that name the field, and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddVeilApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            if (auth.Authority is { Length: > 0 } authority)
            {
                o.Authority = authority;
                o.Audience = auth.Audience;
                return;
            }

            var key = auth.SigningKey is { Length: > 0 } k ? Convert.FromBase64String(k) : null;
            if (key is null || key.Length < 32)
            {
                throw new InvalidOperationException("Auth:SigningKey must be a base64 key of at least 32 bytes (or set Auth:Authority for a real identity provider).");
            }

            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(key),
                NameClaimType = "sub",
            };
        });
        builder.Services.AddAuthorization(ApiPolicies.Add);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestBodyHandler>();
        builder.Services.AddExceptionHandler<StorageUnavailableHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
        });
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Every endpoint under <c>/api</c>, all requiring a caller; OpenAPI at <c>/openapi/v1.json</c>.</summary>
    public static WebApplication MapVeilApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapPreflight();
        api.MapServers();
        api.MapCatalog();
        api.MapHosts();
        api.MapOrchestrationAdmin();
        return app;
    }
}
