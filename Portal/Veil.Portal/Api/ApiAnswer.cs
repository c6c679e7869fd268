using System.Net;

namespace Veil.Portal.Api;

/// <summary>
/// How the API answered an action: accepted, or refused with its problem (the detail to show, and the request field
/// it names when it names one). A failure of the API itself (unreachable, a 5xx without a problem) is not an answer:
/// the client throws for it.
/// </summary>
public sealed record ApiAnswer(HttpStatusCode Status, string? Problem, string? Field)
{
    public bool Succeeded => Problem is null;

    public static ApiAnswer Accepted(HttpStatusCode status) => new(status, null, null);
}
