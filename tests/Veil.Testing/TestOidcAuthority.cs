using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Veil.Testing;

/// <summary>
/// An OpenID Connect provider on a real Kestrel, for tests: discovery, its signing keys, the authorization code flow
/// with PKCE (S256 required; the answer by query or form_post), the token endpoint (client secret in the body or as
/// basic authentication), and end-session. Whoever asks to sign in is signed in as <see cref="User"/>, as if they had
/// just typed their password at the provider; <see cref="RefuseWith"/> makes it answer with an error instead.
/// Over HTTPS it serves a self-signed certificate that <see cref="TrustingHandler"/> trusts.
/// </summary>
public sealed class TestOidcAuthority : IAsyncDisposable
{
    private readonly RSA key = RSA.Create(2048);
    private readonly string keyId = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, Grant> codes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> accessTokens = new();
    private readonly ConcurrentDictionary<string, bool> idTokens = new(StringComparer.Ordinal);
    private readonly WebApplication app;
    private int endedSessions;

    private TestOidcAuthority(X509Certificate2? certificate)
    {
        Certificate = certificate;
        app = LoopbackApp.Create(certificate);
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            var discovery = new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = Issuer + "/authorize",
                ["token_endpoint"] = Issuer + "/token",
                ["jwks_uri"] = Issuer + "/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["response_modes_supported"] = new[] { "query", "form_post" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
                ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
            };
            if (OffersEndSession)
            {
                discovery["end_session_endpoint"] = Issuer + "/logout";
            }

            return Results.Json(discovery);
        });
        app.MapGet("/jwks", () =>
        {
            var p = key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = keyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", Token);
        app.MapGet("/logout", (HttpRequest request) =>
        {
            var back = request.Query["post_logout_redirect_uri"].ToString();
            if (!idTokens.ContainsKey(request.Query["id_token_hint"].ToString()) || (back.Length > 0 && !RedirectUris.Contains(back)))
            {
                return Results.BadRequest($"id_token_hint is not one this provider issued, or post_logout_redirect_uri '{back}' is not registered");
            }

            Interlocked.Increment(ref endedSessions);
            return back.Length == 0 ? Results.Text("signed out") : Results.Redirect(back + "?state=" + Uri.EscapeDataString(request.Query["state"].ToString()));
        });
    }

    /// <summary>Who signs in at the provider: their subject, name, and the <c>project</c> and <c>role</c> claims its
    /// tokens carry (null: the claim is left out, as a provider not yet configured for Veil would).</summary>
    public sealed record Person(string Subject, string Name, string? Project, string? Role);

    public X509Certificate2? Certificate { get; }

    /// <summary>The provider's URL, which is its issuer (no trailing slash).</summary>
    public string Issuer { get; private set; } = "";

    public string ClientId { get; } = "veil-portal";

    public string ClientSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>Where the provider may send a signed-in user back to; anything else is refused.</summary>
    public ConcurrentBag<string> RedirectUris { get; } = [];

    /// <summary>The audience of the access tokens it issues (the API's, <c>Auth:Audience</c>).</summary>
    public string ApiAudience { get; set; } = "veil-api";

    public Person User { get; set; } = new("u-alice", "alice", "demo", "tenant");

    /// <summary>An OAuth error code (<c>access_denied</c>) the authorize endpoint answers with instead of signing in.</summary>
    public string? RefuseWith { get; set; }

    /// <summary>Whether its discovery document names an end-session endpoint (some providers offer none).</summary>
    public bool OffersEndSession { get; set; } = true;

    /// <summary>How long the tokens it issues last.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Every access token it has issued, oldest first.</summary>
    public IReadOnlyList<string> AccessTokens => [.. accessTokens];

    /// <summary>How many times a user was sent to its end-session endpoint.</summary>
    public int EndedSessions => Volatile.Read(ref endedSessions);

    public static async Task<TestOidcAuthority> StartAsync(bool https = false)
    {
        var authority = new TestOidcAuthority(https ? SelfSigned() : null);
        var address = await LoopbackApp.StartAsync(authority.app);
        authority.Issuer = $"{address.Scheme}://127.0.0.1:{address.Port}";
        return authority;
    }

    /// <summary>An access token as the token endpoint would issue it for the person.</summary>
    public string IssueAccessToken(Person person, string? audience = null, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        var token = Sign(Claims(person), audience ?? ApiAudience, lifetime ?? TokenLifetime);
        accessTokens.Enqueue(token);
        return token;
    }

    /// <summary>A handler that trusts this provider's certificate (and only it), for a client of an HTTPS provider.</summary>
    public HttpMessageHandler TrustingHandler() => new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, presented, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (Certificate is not null && presented?.Thumbprint == Certificate.Thumbprint),
    };

    /// <summary>A client of the provider, as a browser would be (no redirects followed, so a test can see each step).</summary>
    public HttpClient Browser() => new(TrustingHandler()) { BaseAddress = new Uri(Issuer) };

    public async ValueTask DisposeAsync()
    {
        await LoopbackApp.StopAsync(app);
        key.Dispose();
        Certificate?.Dispose();
    }

    private IResult Authorize(HttpRequest request)
    {
        string Query(string name) => request.Query[name].ToString();
        var redirect = Query("redirect_uri");
        if (Query("client_id") != ClientId || !RedirectUris.Contains(redirect))
        {
            // Never redirect to an address the client did not register: say so to the user instead.
            return Results.BadRequest($"unknown client '{Query("client_id")}' or redirect_uri '{redirect}'");
        }

        var answer = new Dictionary<string, string> { ["state"] = Query("state") };
        if (RefuseWith is { } error)
        {
            answer["error"] = error;
            answer["error_description"] = "The user did not allow the sign-in.";
        }
        else if (Query("response_type") != "code" || !Query("scope").Split(' ').Contains("openid") || Query("code_challenge_method") != "S256" || Query("code_challenge").Length == 0)
        {
            answer["error"] = "invalid_request";
            answer["error_description"] = "response_type=code, scope openid and an S256 code_challenge are required.";
        }
        else
        {
            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
            codes[code] = new Grant(User, redirect, Query("code_challenge"), Query("nonce"), Query("scope"));
            answer["code"] = code;
        }

        if (Query("response_mode") == "form_post")
        {
            var fields = string.Concat(answer.Select(f => $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Key)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
            return Results.Content($"<html><body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"{WebUtility.HtmlEncode(redirect)}\">{fields}</form></body></html>", "text/html");
        }

        return Results.Redirect(redirect + "?" + string.Join("&", answer.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")));
    }

    private async Task<IResult> Token(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = (form["client_id"].ToString(), form["client_secret"].ToString());
        if (request.Headers.Authorization.ToString() is ['B', 'a', 's', 'i', 'c', ' ', .. var basic])
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic)).Split(':', 2);
            (clientId, secret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        if (clientId != ClientId || secret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out var grant)
            || grant.RedirectUri != form["redirect_uri"] || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var idClaims = Claims(grant.Person);
        idClaims["nonce"] = grant.Nonce;
        var idToken = Sign(idClaims, ClientId, TokenLifetime);
        idTokens[idToken] = true;
        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["id_token"] = idToken,
            ["access_token"] = IssueAccessToken(grant.Person),
            ["expires_in"] = (int)TokenLifetime.TotalSeconds,
            ["scope"] = grant.Scope,
        });
    }

    private static Dictionary<string, object> Claims(Person person)
    {
        var claims = new Dictionary<string, object> { ["sub"] = person.Subject, ["preferred_username"] = person.Name };
        if (person.Project is not null)
        {
            claims["project"] = person.Project;
        }

        if (person.Role is not null)
        {
            claims["role"] = person.Role;
        }

        return claims;
    }

    private string Sign(Dictionary<string, object> claims, string audience, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static X509Certificate2 SelfSigned()
    {
        using var certificateKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", certificateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private sealed record Grant(Person Person, string RedirectUri, string CodeChallenge, string Nonce, string Scope);
}
