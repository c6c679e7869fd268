using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// Sign-in and sign-out as plain HTTP endpoints: cookies can only be set on an HTTP response, not from a Blazor
/// circuit. The sign-in page is a small server-rendered form with an antiforgery token.
/// </summary>
internal static class AccountEndpoints
{
    /// <summary>Where a signed-in user is sent for a page their role may not open (an admin page, to a tenant).</summary>
    public const string DeniedPath = "/account/denied";

    /// <summary>Where a user who is not signed in is sent, with the page they wanted as <c>returnUrl</c>.</summary>
    public const string LoginPath = "/account/login";

    /// <summary>Where a user signed out of the Portal and of the provider lands.</summary>
    public const string SignedOutPath = "/account/signed-out";

    public static void MapAccounts(this WebApplication app)
    {
        app.MapGet(DeniedPath, (HttpContext http) => Results.Content(DeniedPage(http.User), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden));
        if (app.Services.GetRequiredService<SignInMode>().ThroughProvider)
        {
            MapProviderSignIn(app);
        }
        else
        {
            MapLocalSignIn(app);
        }
    }

    /// <summary>Signing in is the provider's: the sign-in page sends the user there, and signing out ends both sessions.</summary>
    private static void MapProviderSignIn(WebApplication app)
    {
        app.MapGet(LoginPath, (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [ProviderSignIn.Scheme]));
        app.MapPost("/account/logout", async (HttpContext http, IAntiforgery antiforgery, IOptionsMonitor<OpenIdConnectOptions> provider) =>
        {
            // A sign-in that ended with its token before the click has no id token left to name at the provider.
            if (await SignOutRefusalAsync(http, antiforgery, SignedOutPath + "?provider=kept") is { } refused)
            {
                return refused;
            }

            // This browser's session ends here, whatever becomes of the provider's.
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return await ProviderSignIn.EndSessionEndpointAsync(provider.Get(ProviderSignIn.Scheme), http.RequestAborted) is null
                ? Results.LocalRedirect(SignedOutPath + "?provider=kept")
                : Results.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath }, [ProviderSignIn.Scheme]);
        });
        app.MapGet(SignedOutPath, (string? provider) => Results.Content($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Signed out · Veil</title>{{Style}}</head><body><main>
              <h1>Signed out</h1>
              <p data-testid="signed-out">{{(provider == "kept"
                  ? "You are signed out of Veil. Your session at your identity provider goes on (Veil could not end it): on a shared computer, sign out there too."
                  : "You are signed out of Veil and of your identity provider.")}}</p>
              <p><a href="{{LoginPath}}">Sign in again</a></p>
            </main></body></html>
            """, "text/html; charset=utf-8"));
    }

    /// <summary>The Portal's own sign-in form, for its local accounts.</summary>
    private static void MapLocalSignIn(WebApplication app)
    {
        app.MapGet(LoginPath, (HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error) =>
            Results.Content(Page(antiforgery.GetAndStoreTokens(http), returnUrl, error), "text/html; charset=utf-8"));
        app.MapPost(LoginPath, async (HttpContext http, IAntiforgery antiforgery, SignInManager<VeilUser> signIn, SignInThrottle throttle) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem(detail: "The sign-in form is missing its antiforgery token or it expired; reload the page.", statusCode: StatusCodes.Status400BadRequest);
            }

            var form = await http.Request.ReadFormAsync();
            var returnUrl = LocalOnly(form["returnUrl"]);
            var account = form["username"].ToString();
            var address = http.Connection.RemoteIpAddress;
            if (throttle.LockedUntil(account, address) is not null)
            {
                return Refused("locked", returnUrl);
            }

            // The endpoints read the form themselves, so they are not covered by UseAntiforgery: validated above.
            // Failures are counted per account and address (SignInThrottle), not on the account: a stranger's
            // guesses must not lock its owner out.
            var result = await signIn.PasswordSignInAsync(account, form["password"].ToString(), isPersistent: false, lockoutOnFailure: false);
            if (result.Succeeded)
            {
                throttle.Succeeded(account, address);
                return Results.LocalRedirect(returnUrl);
            }

            return Refused(throttle.Failed(account, address) is null ? "invalid" : "locked", returnUrl);
        }).RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<VeilUser> signIn) =>
        {
            if (await SignOutRefusalAsync(http, antiforgery, LoginPath) is { } refused)
            {
                return refused;
            }

            await signIn.SignOutAsync();
            return Results.LocalRedirect(LoginPath);
        });
    }

    /// <summary>What a sign-out answers instead of signing out, or null to go ahead: someone whose sign-in already ended
    /// (the cookie did) is sent to <paramref name="signedOut"/>, since their page's antiforgery token was for the
    /// identity that ended; a request without the page's token is refused.</summary>
    private static async Task<IResult?> SignOutRefusalAsync(HttpContext http, IAntiforgery antiforgery, string signedOut)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return Results.LocalRedirect(signedOut);
        }

        return await antiforgery.IsRequestValidAsync(http)
            ? null
            : Results.Problem(detail: "Sign-out needs the page's antiforgery token.", statusCode: StatusCodes.Status400BadRequest);
    }

    private static IResult Refused(string error, string returnUrl) =>
        Results.Redirect($"/account/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>A return address on this site, else the home page: one slash, then neither another slash nor a
    /// backslash (browsers read <c>/\host</c> as another site), and no control characters.</summary>
    private static string LocalOnly(string? url) =>
        url is ['/', ..] && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Any(char.IsControl) ? url : "/";

    internal const string Style = "<link href=\"/_content/MudBlazor/MudBlazor.min.css\" rel=\"stylesheet\">"
        + "<style>body{font-family:Roboto,sans-serif;display:flex;justify-content:center;margin-top:10vh}form,main{width:320px;display:flex;flex-direction:column;gap:12px}"
        + "label{display:flex;flex-direction:column;gap:4px}input{padding:8px;border:1px solid #757575;border-radius:4px;font-size:1rem}.error{color:#c62828}</style>";

    private const string Tagline = "Confidential VMs on AMD SEV, SEV-ES and SEV-SNP.";

    private static string DeniedPage(System.Security.Claims.ClaimsPrincipal user) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Not allowed · Veil</title>{{Style}}</head><body><main>
          <h1>Not allowed</h1>
          <p>You are signed in as <b>{{WebUtility.HtmlEncode(user.Identity?.Name ?? "")}}</b> (project {{WebUtility.HtmlEncode(user.FindFirst(ApiTokens.ProjectClaim)?.Value ?? "")}}, role {{WebUtility.HtmlEncode(user.FindFirst(ApiTokens.RoleClaim)?.Value ?? "")}}); this page is for administrators.</p>
          <p><a href="/servers">Back to your servers</a></p>
        </main></body></html>
        """;

    /// <summary>What an address that tried to sign in too often in a minute is shown.</summary>
    internal static string TooManyPage(int seconds) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Too many attempts · Veil</title>{{Style}}</head><body><main>
          <h1>Too many sign-in attempts</h1>
          <p class="error">Your address has tried to sign in too often in the last minute. Wait {{seconds}} s, then <a href="/account/login">try again</a>.</p>
        </main></body></html>
        """;

    private static string Page(AntiforgeryTokenSet tokens, string? returnUrl, string? error)
    {
        var message = error switch
        {
            "invalid" => "<p class=\"error\">The user name or password is not right.</p>",
            "locked" => "<p class=\"error\">Too many failed attempts from your address: this account is locked for you for a few minutes, or until an administrator unlocks it.</p>",
            _ => "",
        };
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · Veil</title>
            {{Style}}
            </head><body>
            <form method="post" action="/account/login">
              <h1>Veil</h1>
              <p>{{Tagline}}</p>
              {{message}}
              <input type="hidden" name="{{WebUtility.HtmlEncode(tokens.FormFieldName)}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
              <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(LocalOnly(returnUrl))}}">
              <label>User name <input name="username" autocomplete="username" required></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
              <button type="submit" class="mud-button-root mud-button mud-button-filled mud-button-filled-primary">Sign in</button>
            </form></body></html>
            """;
    }
}
