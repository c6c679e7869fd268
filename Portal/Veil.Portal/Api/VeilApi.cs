using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Veil.Portal.Accounts;

namespace Veil.Portal.Api;

/// <summary>The Orchestrations API on behalf of the signed-in account: every call carries a token minted for it.</summary>
public sealed class VeilApi(HttpClient http, ApiTokens tokens)
{
    public async Task<IReadOnlyList<ServerView>> ListServersAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<ServerView>>(user, "/api/servers", cancellationToken) ?? [];

    /// <summary>One server, or null when it does not exist or belongs to another project.</summary>
    public Task<ServerView?> GetServerAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default) =>
        GetAsync<ServerView>(user, $"/api/servers/{serverId}", cancellationToken);

    private async Task<T?> GetAsync<T>(ClaimsPrincipal user, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }
}
