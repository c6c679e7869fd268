using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Veil.Orchestrations.Api;

/// <summary>
/// nova's paging of lists: <c>limit</c> (1-1000, default 1000) items after <c>marker</c>, the key of the last item
/// of the page before. Lists come sorted (each endpoint says by what), so pages never overlap or skip; when more
/// follow, a <c>Link: &lt;…&gt;; rel="next"</c> header gives the next page, and the body stays a plain array.
/// </summary>
internal readonly record struct ApiPages([FromQuery(Name = "limit")] int? Limit, [FromQuery(Name = "marker")] string? Marker)
{
    public const int MaxLimit = 1000;

    /// <summary>The page of <paramref name="sorted"/> asked for, or a 400 naming a bad limit or an unknown marker.</summary>
    public IResult Of<T>(HttpContext http, IEnumerable<T> sorted, Func<T, string> key)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentNullException.ThrowIfNull(key);
        if (Limit is < 1 or > MaxLimit)
        {
            return ApiProblems.BadField("limit", string.Create(CultureInfo.InvariantCulture, $"limit is {Limit}; ask for 1-{MaxLimit} items, or leave it out for up to {MaxLimit}."));
        }

        var items = sorted.ToList();
        var start = 0;
        if (Marker is { } marker)
        {
            var at = items.FindIndex(i => key(i) == marker);
            if (at < 0)
            {
                return ApiProblems.BadField("marker", $"marker '{marker}' is not in this list (it names the last item of the page before).");
            }

            start = at + 1;
        }

        var limit = Limit ?? MaxLimit;
        var page = items.Skip(start).Take(limit).ToList();
        if (start + page.Count < items.Count)
        {
            var next = $"{http.Request.PathBase}{http.Request.Path}?limit={limit.ToString(CultureInfo.InvariantCulture)}&marker={Uri.EscapeDataString(key(page[^1]))}";
            http.Response.Headers.Append("Link", $"<{next}>; rel=\"next\"");
        }

        return Results.Ok(page);
    }
}
