using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Veil.Portal.Accounts;

namespace Veil.Portal.Tests;

/// <summary>What the Portal checks of the provider's access token at sign-in, and while a page is open.</summary>
public sealed class ProviderTokenCheckTests
{
    private const string Issuer = "https://idp.example";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static string Token(Dictionary<string, object> claims, DateTimeOffset? expires = null, string issuer = Issuer, string audience = "veil-api") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = expires?.UtcDateTime,
            Claims = claims,
        });

    private static Dictionary<string, object> Alice() => new() { ["sub"] = "u-alice", ["project"] = "demo", ["role"] = "tenant" };

    public static TheoryData<string, string> Refusals => new()
    {
        { "none", "issued no access token" },
        { "opaque", "is not a JSON Web Token" },
        { "another issuer", "is issued by 'https://sts.example/', not by 'https://idp.example'" },
        { "another audience", "is for 'graph', not for the Veil API ('veil-api', Auth:Audience)" },
        { "no project", "has no 'project' claim" },
        { "two projects", "has 2 'project' values; the Veil API takes one project per user" },
        { "no expiry", "has no expiry ('exp')" },
        { "already ended", "had already ended when it arrived" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AccessTokenTheApiWouldRefuse_RefusedAtSignIn_SayingWhy(string what, string why)
    {
        var claims = Alice();
        var expires = Now.AddMinutes(10);
        var token = what switch
        {
            "none" => null,
            "opaque" => "2YotnFZFEjr1zCsicMWpAA",
            "another issuer" => Token(claims, expires, issuer: "https://sts.example/"),
            "another audience" => Token(claims, expires, audience: "graph"),
            "no project" => Token(new() { ["sub"] = "u-alice" }, expires),
            "two projects" => Token(new() { ["sub"] = "u-alice", ["project"] = new[] { "demo", "other" } }, expires),
            "no expiry" => Token(claims),
            _ => Token(claims, Now.AddSeconds(-1)),
        };

        var problem = ProviderSignIn.ApiTokenProblem(token, "veil-api", Issuer, Now);

        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessTokenTheApiWouldTake_Accepted()
    {
        Assert.Null(ProviderSignIn.ApiTokenProblem(Token(Alice(), Now.AddMinutes(10)), "veil-api", Issuer, Now));
    }

    [Fact]
    public void OpenPage_KeptOnlyWhileTheTokenLasts()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiTokens.AccessTokenClaim, Token(Alice(), Now.AddMinutes(10)))], "oidc"));

        Assert.True(ApiTokenRevalidation.Lasts(user, Now.AddMinutes(9)));
        Assert.False(ApiTokenRevalidation.Lasts(user, Now.AddMinutes(10)));
        Assert.False(ApiTokenRevalidation.Lasts(new ClaimsPrincipal(new ClaimsIdentity([], "oidc")), Now));
    }
}
