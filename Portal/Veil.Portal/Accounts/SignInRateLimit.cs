using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Veil.Portal.Accounts;

/// <summary>
/// Sign-in attempts per client address: <see cref="PortalOptions.SignInAttemptsPerMinute"/> in any minute, whatever the
/// account, so that one address can neither guess passwords quickly nor spray many accounts. Past it the sign-in page
/// answers 429 with Retry-After and says how long to wait.
/// </summary>
internal static class SignInRateLimit
{
    public const string Policy = "sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.AddPolicy(Policy, http =>
        {
            var perMinute = http.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value.SignInAttemptsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(AccountEndpoints.TooManyPage(seconds), cancellationToken);
        };
    });
}
