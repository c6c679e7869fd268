using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Veil.Orchestrations.Api;

/// <summary>
/// Per-caller rate limiting with ASP.NET Core's rate limiter: a token bucket per token subject (per address for
/// callers without a token), refused with 429, Retry-After and a problem that says how long to wait.
/// </summary>
internal static class ApiRateLimits
{
    public const string PerCaller = "per-caller";

    public static void Add(RateLimiterOptions options)
    {
        options.AddPolicy(PerCaller, http =>
        {
            var limits = http.RequestServices.GetRequiredService<IOptions<ApiLimitOptions>>().Value;
            return RateLimitPartition.GetTokenBucketLimiter(CallerKey(http), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = async (context, cancellationToken) =>
        {
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            var http = context.HttpContext;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var limits = http.RequestServices.GetRequiredService<IOptions<ApiLimitOptions>>().Value;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = string.Create(CultureInfo.InvariantCulture, $"You made more than {limits.Burst} requests at once or {limits.PermitsPerSecond} a second over time; try again in {seconds} s."),
                },
            });
        };
    }

    /// <summary>The caller a request is counted to: its token's subject once authenticated, else its address.</summary>
    private static string CallerKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && VeilCaller.From(http.User).Subject is { Length: > 0 } subject
            ? "sub:" + subject
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
