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

    public async Task<IReadOnlyList<ImageView>> ListImagesAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<ImageView>>(user, "/api/images", cancellationToken) ?? [];

    public async Task<IReadOnlyList<FlavorView>> ListFlavorsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<FlavorView>>(user, "/api/flavors", cancellationToken) ?? [];

    /// <summary>Runs the API's preflight for a flavor's extra specs and an image's properties.</summary>
    public async Task<PreflightView> PreflightAsync(ClaimsPrincipal user, FlavorView flavor, ImageView image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        ArgumentNullException.ThrowIfNull(image);
        using var response = await SendAsync(user, HttpMethod.Post, "/api/mem-encryption/resolve", new { flavorExtraSpecs = flavor.ExtraSpecs, imageProperties = image.Properties }, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new PreflightView(null, [], [], body.TryGetProperty("detail", out var detail) ? detail.GetString() : response.ReasonPhrase);
        }

        static IReadOnlyList<string> Strings(System.Text.Json.JsonElement e, string name) =>
            e.TryGetProperty(name, out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        return new PreflightView(body.GetProperty("model").GetString(), Strings(body, "requiredTraits"), Strings(body, "checks"), null);
    }

    /// <summary>Creates the servers; returns null on success, or the API's problem detail.</summary>
    public async Task<string?> CreateServersAsync(ClaimsPrincipal user, string name, int count, string flavorName, string imageId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(user, HttpMethod.Post, "/api/servers", new { name, count, flavorName, imageId }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
        return body.TryGetProperty("detail", out var detail) ? detail.GetString() : response.ReasonPhrase;
    }

    /// <summary>Approves or rejects a flavor (admins); returns null on success, or the API's problem detail.</summary>
    public async Task<string?> DecideFlavorAsync(ClaimsPrincipal user, string flavorName, bool approve, string? reason, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(user, HttpMethod.Post, $"/api/flavors/{Uri.EscapeDataString(flavorName)}/{(approve ? "approve" : "reject")}", new { reason }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
        return body.TryGetProperty("detail", out var detail) ? detail.GetString() : response.ReasonPhrase;
    }

    /// <summary>One server, or null when it does not exist or belongs to another project.</summary>
    public Task<ServerView?> GetServerAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default) =>
        GetAsync<ServerView>(user, $"/api/servers/{serverId}", cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(ClaimsPrincipal user, HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        return await http.SendAsync(request, cancellationToken);
    }

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
