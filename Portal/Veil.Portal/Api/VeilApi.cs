using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Veil.Portal.Accounts;

namespace Veil.Portal.Api;

/// <summary>The Orchestrations API on behalf of the signed-in account: every call carries a token minted for it.</summary>
public sealed class VeilApi(HttpClient http, ApiTokens tokens)
{
    public async Task<IReadOnlyList<ServerView>> ListServersAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/servers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<ServerView>>(cancellationToken) ?? [];
    }
}
