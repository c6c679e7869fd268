using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Veil.Portal.Accounts;
using Veil.Portal.Api;

namespace Veil.Portal.Tests;

/// <summary>
/// MudBlazor's way: loose JS interop, MudBlazor services without transitions, a signed-in tenant, and the API
/// answered by a canned handler (the component under test is the subject, not the API).
/// </summary>
public abstract class BunitTest : BunitContext
{
    protected BunitTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("alice");
        Authorization.SetClaims(new Claim(ApiTokens.ProjectClaim, "demo"), new Claim(ApiTokens.RoleClaim, "tenant"));
        var tokens = new ApiTokens(new SignInMode(ThroughProvider: false), Options.Create(new Veil.Identity.VeilAuthOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }), TimeProvider.System);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new VeilApi(new HttpClient(Api) { BaseAddress = new Uri("http://api.test") }, tokens));

        // As in the Portal: interactive server rendering, so actions are enabled. (After the services: the renderer
        // is one of them.)
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected CannedApi Api { get; } = new();

    /// <summary>Signs in an admin of project ops, as the admin pages require.</summary>
    protected void SignInAdmin()
    {
        Authorization.SetAuthorized("admin");
        Authorization.SetClaims(new Claim(ApiTokens.ProjectClaim, "ops"), new Claim(ApiTokens.RoleClaim, "admin"));
        Authorization.SetPolicies(AccountExtensions.AdminPolicy);
    }

    /// <summary>Types into a MudBlazor field found by its test id (the attribute lands on the input or around it).</summary>
    protected static void Type<T>(IRenderedComponent<T> page, string testId, string text)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        ArgumentNullException.ThrowIfNull(page);
        var element = page.Find($"[data-testid='{testId}']");
        var input = element.TagName == "INPUT" ? element : element.QuerySelector("input") ?? throw new InvalidOperationException($"No input in {testId}.");
        input.Input(text);
    }

    /// <summary>Who is signed in; tests of admin pages switch it.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Answers API paths with fixed JSON; anything else is 404. Records the bearer token it saw.</summary>
    protected sealed class CannedApi : HttpMessageHandler
    {
        public Dictionary<string, string> Answers { get; } = [];

        /// <summary>Paths answered with a bare status instead (401 for a token the API refuses).</summary>
        public Dictionary<string, HttpStatusCode> Statuses { get; } = [];

        public List<string> Seen { get; } = [];

        /// <summary>Bodies sent, by path.</summary>
        public Dictionary<string, string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add($"{request.RequestUri!.AbsolutePath} {request.Headers.Authorization?.Scheme}");
            if (request.Content is not null)
            {
                Bodies[request.RequestUri.AbsolutePath] = await request.Content.ReadAsStringAsync(cancellationToken);
            }

            if (Statuses.TryGetValue(request.RequestUri.AbsolutePath, out var status))
            {
                return new HttpResponseMessage(status);
            }

            return Answers.TryGetValue(request.RequestUri.AbsolutePath, out var json)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }
}
