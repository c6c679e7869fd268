using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Veil.Orchestrations.Api;

/// <summary>
/// The OpenAPI document a client can be generated from. Each endpoint states its own summary, success type and the
/// problems it answers itself (<see cref="Doc{T}"/>); what every endpoint shares is added here once: bearer auth,
/// the role it needs (<c>x-veil-role</c>), 401, 403 for admin operations, 400 for anything with a body or query,
/// 429 past the caller's rate limit, and 503 when storage is away.
/// </summary>
internal static class ApiDocs
{
    private const string Bearer = "bearer";

    /// <summary>Summary, the success status with its <typeparamref name="T"/> body, and the problems the endpoint itself answers.</summary>
    public static RouteHandlerBuilder Doc<T>(this RouteHandlerBuilder endpoint, string summary, int status = StatusCodes.Status200OK, params int[] problems) =>
        problems.Aggregate(endpoint.WithSummary(summary).Produces<T>(status), (e, code) => e.ProducesProblem(code));

    /// <summary>As <see cref="Doc{T}"/>, for a success without a body (202, 204).</summary>
    public static RouteHandlerBuilder Doc(this RouteHandlerBuilder endpoint, string summary, int status, params int[] problems) =>
        problems.Aggregate(endpoint.WithSummary(summary).Produces(status), (e, code) => e.ProducesProblem(code));

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Veil";
            document.Info.Description = "Confidential VMs on AMD SEV, SEV-ES and SEV-SNP: servers, flavors, images, key pairs, hosts and their orchestrations.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token whose project and role (tenant or admin) claims decide what the caller may see.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var authorize = metadata.OfType<IAuthorizeData>().ToList();
            if (authorize.Count == 0)
            {
                return Task.CompletedTask;
            }

            var admin = authorize.Any(a => a.Policy == ApiPolicies.Admin);
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-veil-role"] = new JsonNodeExtension(admin ? "admin" : "tenant");
            operation.Description = admin ? "Needs the admin role." : "Any caller with a token: tenants see their own project, admins everything.";
            operation.Responses ??= [];
            var hasInput = context.Description.ParameterDescriptions.Any(p => p.Source.Id is "Body" or "Query" or "Form");
            Problem(operation, context, StatusCodes.Status400BadRequest, "The request is not valid: the problem names the field.", hasInput);
            Problem(operation, context, StatusCodes.Status401Unauthorized, "No token, or one that is not valid.", true);
            Problem(operation, context, StatusCodes.Status403Forbidden, "The token does not carry the admin role.", admin);
            Problem(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests from this caller; try again after Retry-After.", true);
            Problem(operation, context, StatusCodes.Status503ServiceUnavailable, "Storage did not answer; try again after Retry-After.", true);
            return Task.CompletedTask;
        });
    }

    private static void Problem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, bool applies)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!applies || operation.Responses!.ContainsKey(code))
        {
            return;
        }

        operation.Responses[code] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) } },
        };
    }
}
