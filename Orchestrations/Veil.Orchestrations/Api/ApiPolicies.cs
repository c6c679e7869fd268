using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Veil.Orchestrations.Api;

/// <summary>
/// Who may call what, as authorization policies on route groups: every <c>/api</c> endpoint needs a caller, the
/// admin ones (<see cref="Admin"/>) the <c>admin</c> role. The OpenAPI document says which operations need it.
/// </summary>
public static class ApiPolicies
{
    /// <summary>The caller's token carries <c>role=admin</c>.</summary>
    public const string Admin = "admin";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => VeilCaller.From(c.User).IsAdmin));
    }

    /// <summary>Admin-only endpoints (the OpenAPI document says so for each, from this policy).</summary>
    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.RequireAuthorization(Admin);
        return group;
    }
}

/// <summary>A refusal by policy is a problem document that says what was missing, like every other API error.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden)
        {
            await ApiProblems.Forbidden($"{context.Request.Method} {context.Request.Path} needs the admin role; your token does not carry it.").ExecuteAsync(context);
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
