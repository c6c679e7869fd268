using System.Diagnostics;
using System.Net;
using Veil.Portal.Accounts;

namespace Veil.Portal;

/// <summary>
/// Where an unexpected error lands outside Development (<c>UseExceptionHandler("/error")</c>): a plain page that
/// cannot fail itself (no layout, no API call), saying what happened and the request id an operator finds in the log.
/// </summary>
internal static class ErrorPage
{
    public const string Path = "/error";

    public static void MapErrorPage(this WebApplication app) =>
        app.Map(Path, (HttpContext http) =>
        {
            var requestId = Activity.Current?.Id ?? http.TraceIdentifier;
            var status = http.Response.StatusCode >= 400 ? http.Response.StatusCode : StatusCodes.Status200OK;
            return Results.Content(Page(requestId), "text/html; charset=utf-8", statusCode: status);
        }).AllowAnonymous();

    private static string Page(string requestId) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Something went wrong · Veil</title>{{AccountEndpoints.Style}}</head><body><main>
          <h1>Something went wrong</h1>
          <p>The Portal met an error it did not expect. Try again; if it keeps happening, give an administrator this request id:</p>
          <p><code data-testid="request-id">{{WebUtility.HtmlEncode(requestId)}}</code></p>
          <p><a href="/servers">Back to your servers</a></p>
        </main></body></html>
        """;
}
