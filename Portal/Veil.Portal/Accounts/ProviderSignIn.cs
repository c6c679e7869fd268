using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Veil.Hosting;
using Veil.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// Signing in through the operator's OpenID Connect provider (<c>Auth:Authority</c>): the authorization code flow with
/// PKCE, the Portal a confidential client (<see cref="ProviderSignInOptions"/>). The user's access token is kept in the
/// Portal's sign-in cookie, and every API call carries it: the Portal mints nothing and holds no signing key. The
/// project and role the Portal shows are read from that access token, which is what the API believes, and a sign-in
/// whose token the API would refuse is refused at once, saying why. The cookie lasts as long as the token; then the
/// user goes back to the provider (at once, while their session there lasts).
/// </summary>
internal static class ProviderSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static void AddProviderSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<ProviderSignInOptions>(builder.Configuration, ProviderSignInOptions.Section);
        builder.Services.AddOptions<VeilAuthOptions>()
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey),
                $"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.SigningKey)} is set, but this Portal signs users in through {VeilAuthOptions.Section}:{nameof(VeilAuthOptions.Authority)} and calls the API with their own tokens; remove the key from the Portal's settings (only the API and its tools need it).");
        builder.Services.AddOptions<PortalOptions>()
            .Validate(o => o.DemoPasswords.Count == 0,
                $"{PortalOptions.Section}:{nameof(PortalOptions.DemoPasswords)} is set, but this Portal signs users in through {VeilAuthOptions.Section}:{nameof(VeilAuthOptions.Authority)}: its accounts are the provider's.");
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = Scheme;
            })
            .AddCookie(o =>
            {
                o.LoginPath = AccountEndpoints.LoginPath;
                o.AccessDeniedPath = AccountEndpoints.DeniedPath;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: the user arrives back from the provider's site, and the cookie must travel with that navigation.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = AccountExtensions.CookieSecurity(builder.Environment);
                // The cookie ends with the access token inside it (set at sign-in); sliding would outlive the token.
                o.SlidingExpiration = false;
            })
            .AddOpenIdConnect(Scheme, _ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<VeilAuthOptions>, IOptions<ProviderSignInOptions>, TimeProvider>((o, auth, client, time) =>
        {
            o.Authority = auth.Value.Authority;
            o.RequireHttpsMetadata = AuthOptionsExtensions.RequireHttpsMetadata(builder.Environment);
            o.ClientId = client.Value.ClientId;
            o.ClientSecret = client.Value.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.MapInboundClaims = false;
            o.SaveTokens = false; // the id token is kept for sign-out and the access token as a claim, below: nothing else
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile" }.Concat(client.Value.Scopes))
            {
                o.Scope.Add(scope);
            }

            o.Events.OnTokenValidated = context => TokenValidated(context, auth.Value.Audience, time);
            o.Events.OnRemoteFailure = RemoteFailure;
        });
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, ApiTokenRevalidation>();
    }

    /// <summary>The Portal's principal for the user: who (from the id token), and project and role from the access token.</summary>
    private static Task TokenValidated(TokenValidatedContext context, string audience, TimeProvider time)
    {
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        if (ApiTokenProblem(accessToken, audience, context.SecurityToken?.Issuer, time.GetUtcNow()) is { } problem)
        {
            context.Fail(problem);
            return Task.CompletedTask;
        }

        var token = new JsonWebToken(accessToken);
        var who = context.Principal!;
        var subject = who.FindFirstValue(VeilTokens.SubjectClaim)!;
        var identity = new ClaimsIdentity(
            [
                new Claim(VeilTokens.SubjectClaim, subject),
                new Claim(NameClaim, who.FindFirstValue("preferred_username") ?? who.FindFirstValue("name") ?? subject),
                new Claim(ApiTokens.ProjectClaim, token.GetClaim(VeilTokens.ProjectClaim).Value),
                new Claim(ApiTokens.RoleClaim, IsAdmin(token) ? "admin" : "tenant"),
                new Claim(ApiTokens.AccessTokenClaim, accessToken!),
            ],
            Scheme, NameClaim, ApiTokens.RoleClaim);
        context.Principal = new ClaimsPrincipal(identity);
        context.Properties!.IsPersistent = false;
        context.Properties.ExpiresUtc = token.ValidTo;
        if (context.TokenEndpointResponse?.IdToken is { } idToken)
        {
            // For the provider's end-session endpoint at sign-out (id_token_hint).
            context.Properties.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        }

        return Task.CompletedTask;
    }

    private const string NameClaim = "name";

    /// <summary>As the API decides it: any <c>role</c> claim that is <c>admin</c>.</summary>
    private static bool IsAdmin(JsonWebToken token) => token.Claims.Any(c => c.Type == VeilTokens.RoleClaim && c.Value == "admin");

    /// <summary>Why the API would refuse the access token the provider issued, or null: caught at sign-in, where the
    /// operator can be told what to configure, not later as a page that cannot load.</summary>
    internal static string? ApiTokenProblem(string? accessToken, string audience, string? issuer, DateTimeOffset now)
    {
        const string Fix = "configure the provider so that the Portal's users get one";
        if (string.IsNullOrEmpty(accessToken))
        {
            return $"The identity provider issued no access token; the Veil API needs one for every call ({Fix}).";
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(accessToken))
        {
            return $"The identity provider's access token is not a JSON Web Token; the Veil API accepts only JWTs ({Fix}).";
        }

        var token = handler.ReadJsonWebToken(accessToken);
        if (issuer is not null && token.Issuer != issuer)
        {
            return $"The identity provider's access token is issued by '{token.Issuer}', not by '{issuer}' (Auth:Authority, which issued the sign-in); the API would refuse it (have the provider issue access tokens of the same version as its id tokens).";
        }

        if (!token.Audiences.Contains(audience, StringComparer.Ordinal))
        {
            return $"The identity provider's access token is for '{string.Join("', '", token.Audiences)}', not for the Veil API ('{audience}', Auth:Audience); the API would refuse it ({Fix}).";
        }

        var projects = token.Claims.Where(c => c.Type == VeilTokens.ProjectClaim).ToList();
        if (projects.Count != 1 || string.IsNullOrWhiteSpace(projects[0].Value))
        {
            return projects.Count > 1
                ? $"The identity provider's access token has {projects.Count} '{VeilTokens.ProjectClaim}' values; the Veil API takes one project per user (map a single project into the claim)."
                : $"The identity provider's access token has no '{VeilTokens.ProjectClaim}' claim; the Veil API needs it to know whose servers are the user's (map the user's project into a '{VeilTokens.ProjectClaim}' claim of access tokens).";
        }

        if (token.ValidTo == DateTime.MinValue)
        {
            return "The identity provider's access token has no expiry ('exp'); the Portal keeps a user signed in only while their token lasts.";
        }

        return token.ValidTo <= now.UtcDateTime
            ? $"The identity provider's access token had already ended when it arrived ({token.ValidTo:u}); check the clocks of the provider and of this machine."
            : null;
    }

    /// <summary>Where the provider ends its own sessions, or null when it offers none or cannot be reached now.</summary>
    public static async Task<string?> EndSessionEndpointAsync(OpenIdConnectOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return (await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken)).EndSessionEndpoint is { Length: > 0 } endpoint ? endpoint : null;
        }
        catch (InvalidOperationException)
        {
            return null; // its discovery document could not be fetched or read
        }
    }

    /// <summary>A sign-in that failed at the provider or on its way back: a page saying why, with a way to try again.</summary>
    private static async Task RemoteFailure(RemoteFailureContext context)
    {
        var reason = context.Failure switch
        {
            OpenIdConnectProtocolException p when p.Data["error"] is string error =>
                $"The identity provider refused the sign-in: {error}{(p.Data["error_description"] is string d && !d.Contains(" is null", StringComparison.Ordinal) ? $" ({d})" : "")}.",
            { Message: "Correlation failed." } => "The sign-in took too long at the identity provider, or was started in another browser window.",
            { } failure => failure.Message,
            null => "The sign-in did not complete.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · Veil</title>{{AccountEndpoints.Style}}</head><body><main>
              <h1>Sign-in failed</h1>
              <p class="error" data-testid="sign-in-failed">{{WebUtility.HtmlEncode(reason)}}</p>
              <p><a href="{{AccountEndpoints.LoginPath}}">Try again</a></p>
            </main></body></html>
            """);
        context.HandleResponse();
    }
}
