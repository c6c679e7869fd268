using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Veil.Orchestrations.Api;

/// <summary>problem+json answers that name the bad field.</summary>
public static class ApiProblems
{
    public static IResult BadField(string field, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult Conflict(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult NotFound(string what) => Results.Problem(detail: $"{what} was not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Forbidden(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    /// <summary>403 naming the quota (<c>cores</c>, <c>mem_encryption_context:amd-sev-snp</c>) a request would exceed.</summary>
    public static IResult OverQuota(string quota, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Quota exceeded", extensions: new Dictionary<string, object?> { ["quota"] = quota });
}

/// <summary>
/// Turns requests the framework could not bind (no body, not JSON, wrong types, a query value of the wrong kind)
/// into 400 (or 415) problem+json whose <c>field</c> and <c>detail</c> name the field and what it must be.
/// </summary>
internal sealed class BadRequestBodyHandler(IProblemDetailsService problems, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // The handler runs after the endpoint was cleared for the error path; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var (field, detail) = bad.InnerException is System.Text.Json.JsonException error
            ? RequestBodyProblem.Describe(bodyType, error, json.Value.SerializerOptions)
            : RequestBodyProblem.DescribeBinding(bad.Message, bad.StatusCode) ?? ("request", bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "Invalid request", Detail = detail, Extensions = { ["field"] = field } },
        });
    }
}

/// <summary>
/// Storage away (restarting, unreachable, throttling): 503 with Retry-After and a problem that says so, rather than
/// a bare 500. Nothing was lost; the caller should try again.
/// </summary>
internal sealed class StorageUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!Veil.Storage.StorageErrors.IsUnavailable(exception))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = 503, Title = "Storage unavailable", Detail = "Veil's storage did not answer. Try again in a few seconds." },
        });
    }
}
