using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Veil.Hosting;
using Veil.Identity;

namespace Veil.Orchestrations.Api;

public static class ApiExtensions
{
    /// <summary>Bearer authentication, problem+json errors that name the field, and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddVeilApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVeilAuthOptions(builder.Configuration, builder.Environment);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<VeilAuthOptions>>((o, options) =>
        {
            var auth = options.Value;
            o.MapInboundClaims = false;
            if (auth.UsesAuthority)
            {
                o.Authority = auth.Authority;
                o.Audience = auth.Audience;
                o.RequireHttpsMetadata = AuthOptionsExtensions.RequireHttpsMetadata(builder.Environment);
                o.TokenValidationParameters.NameClaimType = VeilTokens.SubjectClaim;
                return;
            }

            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(auth.SigningKeyBytes()),
                NameClaimType = VeilTokens.SubjectClaim,
            };
        });
        builder.Services.AddAuthorization(ApiPolicies.Add);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Written by the framework without a word of why: say what to send.
            if (c.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && c.ProblemDetails.Detail is null)
            {
                (var field, c.ProblemDetails.Detail) = RequestBodyProblem.NotJson;
                c.ProblemDetails.Extensions["field"] = field;
            }

            // Kestrel stopped reading the body at Api:MaxRequestBodyKiB.
            if (c.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge && c.ProblemDetails.Detail is null)
            {
                var limit = c.HttpContext.RequestServices.GetRequiredService<IOptions<ApiLimitOptions>>().Value.MaxRequestBodyKiB;
                c.ProblemDetails.Detail = $"The request body is larger than {limit} KiB, the most this API takes (image files are uploaded with PUT /api/images/{{id}}/files/{{part}}).";
                c.ProblemDetails.Extensions["field"] = "body";
            }
        });
        builder.Services.AddExceptionHandler<BadRequestBodyHandler>();
        builder.Services.AddExceptionHandler<StorageUnavailableHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => Veil.Shared.Contracts.VeilJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi(ApiDocs.Configure);
        builder.Services.AddCheckedOptions<ApiLimitOptions>(builder.Configuration, ApiLimitOptions.Section);
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ApiLimitOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        builder.Services.AddRateLimiter(ApiRateLimits.Add);
        return builder;
    }

    /// <summary>Every endpoint under <c>/api</c>, all requiring a caller; OpenAPI at <c>/openapi/v1.json</c>.</summary>
    public static WebApplication MapVeilApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication, so that a caller is counted by who they are; before authorization, so refusals count too
        app.UseAuthorization();
        app.MapOpenApi();
        var api = app.MapGroup("/api").RequireAuthorization().RequireRateLimiting(ApiRateLimits.PerCaller);
        api.MapPreflight();
        api.MapServers();
        api.MapAttestation();
        api.MapCatalog();
        api.MapKeyPairs();
        api.MapQuotas();
        api.MapHosts();
        api.MapOrchestrationAdmin();
        return app;
    }
}
