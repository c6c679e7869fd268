using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Veil.Portal.Accounts;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.ServiceDefaults;

namespace Veil.Portal.Api;

/// <summary>
/// The Orchestrations API on behalf of the signed-in account: every call carries a token minted for it. Each call
/// but an upload gives up after <see cref="CallTimeout"/>; an upload takes as long as the file does (the client
/// itself has no timeout).
/// </summary>
public sealed class VeilApi(HttpClient http, ApiTokens tokens)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(100);

    /// <summary>What the user is told when the API refuses their token (401): it ended, or the provider withdrew it.</summary>
    public const string SignInNotAccepted = "The API no longer accepts your sign-in (it has ended, or was withdrawn): sign out, then sign in again.";

    public async Task<IReadOnlyList<ServerRecord>> ListServersAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<ServerRecord>>(user, "/api/servers", cancellationToken) ?? [];

    public async Task<IReadOnlyList<Image>> ListImagesAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<Image>>(user, "/api/images", cancellationToken) ?? [];

    public async Task<IReadOnlyList<Flavor>> ListFlavorsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<Flavor>>(user, "/api/flavors", cancellationToken) ?? [];

    /// <summary>How many hosts could take the flavor with the image now, and their free slots.</summary>
    public Task<FlavorCapacity?> GetCapacityAsync(ClaimsPrincipal user, string flavorName, string imageId, CancellationToken cancellationToken = default) =>
        GetAsync<FlavorCapacity>(user, $"/api/flavors/{Uri.EscapeDataString(flavorName)}/capacity?imageId={Uri.EscapeDataString(imageId)}", cancellationToken);

    /// <summary>Runs the API's preflight for a flavor's extra specs and an image's properties.</summary>
    public async Task<PreflightView> PreflightAsync(ClaimsPrincipal user, Flavor flavor, Image image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        ArgumentNullException.ThrowIfNull(image);
        using var response = await SendAsync(user, HttpMethod.Post, "/api/mem-encryption/resolve", new { flavorExtraSpecs = flavor.ExtraSpecs, imageProperties = image.Properties }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new PreflightView(null, [], [], (await RefusalAsync(response, cancellationToken)).Problem);
        }

        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);

        static IReadOnlyList<string> Strings(System.Text.Json.JsonElement e, string name) =>
            e.TryGetProperty(name, out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        return new PreflightView(body.GetProperty("model").GetString(), Strings(body, "requiredTraits"), Strings(body, "checks"), null);
    }

    /// <summary>
    /// Creates the servers. The idempotency key makes a repeated
    /// launch (a double click, a retry after a timeout) name the same servers instead of creating more.
    /// </summary>
    public Task<ApiAnswer> CreateServersAsync(ClaimsPrincipal user, CreateServerRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, "/api/servers", request, cancellationToken, idempotencyKey);

    /// <summary>Uploads one file of an image (admins): <paramref name="part"/> is disk (with its format), kernel or initrd.</summary>
    public async Task<ApiAnswer> UploadImageFileAsync(ClaimsPrincipal user, string imageId, string part, string? format, Stream content, CancellationToken cancellationToken = default)
    {
        var path = $"/api/images/{Uri.EscapeDataString(imageId)}/files/{Uri.EscapeDataString(part)}{(format is null ? "" : "?format=" + Uri.EscapeDataString(format))}";
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StreamContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? ApiAnswer.Accepted(response.StatusCode) : await RefusalAsync(response, cancellationToken);
    }

    /// <summary>The signed-in user's key pairs.</summary>
    /// <summary>The caller's project's quotas and what its servers use.</summary>
    public Task<QuotaView?> GetQuotaAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        GetAsync<QuotaView>(user, "/api/quota", cancellationToken);

    /// <summary>Admins: every project with servers or limits of its own.</summary>
    public async Task<IReadOnlyList<QuotaView>> ListQuotasAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<QuotaView>>(user, "/api/admin/quotas", cancellationToken) ?? [];

    /// <summary>Admins: one project's quotas (the defaults until set).</summary>
    public Task<QuotaView?> GetProjectQuotaAsync(ClaimsPrincipal user, string projectId, CancellationToken cancellationToken = default) =>
        GetAsync<QuotaView>(user, $"/api/admin/quotas/{Uri.EscapeDataString(projectId)}", cancellationToken);

    /// <summary>Admins: replaces a project's limits.</summary>
    public Task<ApiAnswer> SetQuotaAsync(ClaimsPrincipal user, string projectId, Veil.Shared.Quotas.QuotaSet limits, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Put, $"/api/admin/quotas/{Uri.EscapeDataString(projectId)}", limits, cancellationToken);

    public async Task<IReadOnlyList<KeyPair>> ListKeyPairsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<KeyPair>>(user, "/api/keypairs", cancellationToken) ?? [];

    /// <summary>Uploads a public key as a key pair of the signed-in user.</summary>
    public Task<ApiAnswer> CreateKeyPairAsync(ClaimsPrincipal user, string name, string publicKey, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, "/api/keypairs", new CreateKeyPairRequest(name, publicKey), cancellationToken);

    /// <summary>Deletes one of the signed-in user's key pairs (servers launched with it keep their key).</summary>
    public Task<ApiAnswer> DeleteKeyPairAsync(ClaimsPrincipal user, string name, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Delete, $"/api/keypairs/{Uri.EscapeDataString(name)}", null, cancellationToken);

    /// <summary>Approves or rejects a flavor (admins).</summary>
    public Task<ApiAnswer> DecideFlavorAsync(ClaimsPrincipal user, string flavorName, bool approve, string? reason, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, $"/api/flavors/{Uri.EscapeDataString(flavorName)}/{(approve ? "approve" : "reject")}", new { reason }, cancellationToken);

    /// <summary>Proposes a flavor for approval.</summary>
    public Task<ApiAnswer> ProposeFlavorAsync(ClaimsPrincipal user, string name, int vCpus, int memoryMiB, int diskGiB, IReadOnlyDictionary<string, string> extraSpecs, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, "/api/flavors", new { name, vCpus, memoryMiB, diskGiB, extraSpecs }, cancellationToken);

    /// <summary>Registers an image (admins).</summary>
    public Task<ApiAnswer> RegisterImageAsync(ClaimsPrincipal user, string id, string name, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, "/api/images", new { id, name, properties }, cancellationToken);

    /// <summary>Stops, starts or reboots a server (nova's server actions).</summary>
    public Task<ApiAnswer> PowerAsync(ClaimsPrincipal user, Guid serverId, HostCommandKind action, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, $"/api/servers/{serverId}/action", action switch
        {
            HostCommandKind.Stop => new Dictionary<string, object?> { ["os-stop"] = null },
            HostCommandKind.Start => new Dictionary<string, object?> { ["os-start"] = null },
            HostCommandKind.Reboot => new Dictionary<string, object?> { ["reboot"] = new Dictionary<string, string> { ["type"] = "HARD" } },
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Power actions are stop, start and reboot."),
        }, cancellationToken);

    /// <summary>Asks for a server's deletion.</summary>
    public Task<ApiAnswer> DeleteServerAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Delete, $"/api/servers/{serverId}", null, cancellationToken);

    /// <summary>The orchestrations that acted on a server, with their histories.</summary>
    public async Task<IReadOnlyList<ServerActionView>> GetServerActionsAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default) =>
        await GetAsync<List<ServerActionView>>(user, $"/api/servers/{serverId}/actions", cancellationToken) ?? [];

    /// <summary>The last <paramref name="lines"/> lines of a server's console, as its host last published them.</summary>
    public Task<ConsoleLog?> GetConsoleLogAsync(ClaimsPrincipal user, Guid serverId, int lines, CancellationToken cancellationToken = default) =>
        GetAsync<ConsoleLog>(user, $"/api/servers/{serverId}/console-log?length={lines}", cancellationToken);

    /// <summary>Every host with its report, heartbeat and ASID pools (admins).</summary>
    public async Task<IReadOnlyList<HostView>> ListHostsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<HostView>>(user, "/api/hosts", cancellationToken) ?? [];

    /// <summary>The rows of the hosts table that cannot be read, with why (admins): placement leaves them out.</summary>
    public async Task<IReadOnlyList<UnreadableHostRow>> ListUnreadableHostRowsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<UnreadableHostRow>>(user, "/api/host-rows/unreadable", cancellationToken) ?? [];

    /// <summary>One page of orchestration instances, newest filters applied by the API.</summary>
    public async Task<OrchestrationPageView> QueryInstancesAsync(ClaimsPrincipal user, InstanceFilter filter, string? continuationToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<string> { $"pageSize={filter.PageSize}" };
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add($"{key}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("status", string.Join(',', filter.Statuses.Select(VeilJson.Word)));
        Add("name", filter.Name);
        Add("prefix", filter.IdPrefix);
        Add("from", filter.From?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", filter.To?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        Add("continuationToken", continuationToken);
        return await GetAsync<OrchestrationPageView>(user, "/api/orchestrations?" + string.Join('&', query), cancellationToken) ?? new OrchestrationPageView([], null);
    }

    /// <summary>What the durable engine warned about since the API process started.</summary>
    public async Task<EngineWarningsView> GetEngineWarningsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<EngineWarningsView>(user, "/api/orchestrations/warnings", cancellationToken) ?? new EngineWarningsView(new Dictionary<string, long>(), []);

    /// <summary>One instance with its input, output and custom status, or null.</summary>
    public Task<OrchestrationInstanceView?> GetInstanceAsync(ClaimsPrincipal user, string instanceId, CancellationToken cancellationToken = default) =>
        GetAsync<OrchestrationInstanceView>(user, $"/api/orchestrations/{Uri.EscapeDataString(instanceId)}", cancellationToken);

    /// <summary>An instance's history, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEventView>> GetHistoryAsync(ClaimsPrincipal user, string instanceId, CancellationToken cancellationToken = default) =>
        await GetAsync<List<HistoryEventView>>(user, $"/api/orchestrations/{Uri.EscapeDataString(instanceId)}/history", cancellationToken) ?? [];

    /// <summary>terminate, suspend, resume, rewind, restart or purge an instance.</summary>
    public Task<ApiAnswer> ActOnInstanceAsync(ClaimsPrincipal user, string instanceId, InstanceAction action, string? reason, CancellationToken cancellationToken = default) =>
        action == InstanceAction.Purge
            ? AnswerOfAsync(user, HttpMethod.Delete, $"/api/orchestrations/{Uri.EscapeDataString(instanceId)}", null, cancellationToken)
            : AnswerOfAsync(user, HttpMethod.Post, $"/api/orchestrations/{Uri.EscapeDataString(instanceId)}/{action.ToString().ToLowerInvariant()}", new { reason }, cancellationToken);

    /// <summary>Raises an event with a JSON payload.</summary>
    public Task<ApiAnswer> RaiseEventAsync(ClaimsPrincipal user, string instanceId, string eventName, System.Text.Json.JsonElement payload, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, HttpMethod.Post, $"/api/orchestrations/{Uri.EscapeDataString(instanceId)}/events/{Uri.EscapeDataString(eventName)}", payload, cancellationToken);

    /// <summary>Every parked message (admins).</summary>
    public async Task<IReadOnlyList<ParkedMessage>> ListParkedAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        await GetAsync<List<ParkedMessage>>(user, "/api/poison", cancellationToken) ?? [];

    /// <summary>Returns a parked message to its queue, or discards it.</summary>
    public Task<ApiAnswer> SettleParkedAsync(ClaimsPrincipal user, string parkedId, bool replay, CancellationToken cancellationToken = default) =>
        AnswerOfAsync(user, replay ? HttpMethod.Post : HttpMethod.Delete, "/api/poison/" + string.Join('/', parkedId.Split('/').Select(Uri.EscapeDataString)), null, cancellationToken);

    /// <summary>One server, or null when it does not exist or belongs to another project.</summary>
    public Task<ServerRecord?> GetServerAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default) =>
        GetAsync<ServerRecord>(user, $"/api/servers/{serverId}", cancellationToken);

    /// <summary>An SNP server's expected measurement and how to check a report; null when it has none (yet) or is not SNP.</summary>
    public async Task<AttestationView?> GetAttestationAsync(ClaimsPrincipal user, Guid serverId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(user, HttpMethod.Get, $"/api/servers/{serverId}/attestation", null, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AttestationView>(VeilJson.Options, cancellationToken) : null;
    }

    /// <summary>Checks a report against what Veil expects of the server: the verdict, or the API's problem with the input.</summary>
    public async Task<(AttestationVerdictView? Verdict, ApiAnswer? Refusal)> VerifyAttestationAsync(ClaimsPrincipal user, Guid serverId, VerifyAttestationRequest report, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(user, HttpMethod.Post, $"/api/servers/{serverId}/attestation/verify", report, cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<AttestationVerdictView>(VeilJson.Options, cancellationToken), null)
            : (null, await RefusalAsync(response, cancellationToken));
    }

    /// <summary>A change asked for in the Portal (a launch, a delete, a power action): it starts the trace its
    /// orchestration and host command continue.</summary>
    private async Task<ApiAnswer> AnswerOfAsync(ClaimsPrincipal user, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var operation = VeilTelemetry.StartOperation($"Portal {method.Method} {path}");
        operation?.SetTag("enduser.id", user.Identity?.Name);
        using var response = await SendAsync(user, method, path, body, cancellationToken, idempotencyKey);
        return response.IsSuccessStatusCode ? ApiAnswer.Accepted(response.StatusCode) : await RefusalAsync(response, cancellationToken);
    }

    /// <summary>The problem the API answered; a 5xx without one is a failure of the API, not an answer, and throws.</summary>
    private static async Task<ApiAnswer> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var body = System.Text.Json.JsonDocument.Parse(text);
            var root = body.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } message)
            {
                var field = root.TryGetProperty("field", out var named) && named.ValueKind == System.Text.Json.JsonValueKind.String ? named.GetString() : null;
                return new ApiAnswer(response.StatusCode, message, field);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a problem document; fall through.
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"The Orchestrations API answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        return response.StatusCode == HttpStatusCode.Unauthorized
            ? new ApiAnswer(response.StatusCode, SignInNotAccepted, null)
            : new ApiAnswer(response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}", null);
    }

    private async Task<HttpResponseMessage> SendAsync(ClaimsPrincipal user, HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        return await http.SendAsync(request, timeout.Token);
    }

    private async Task<T?> GetAsync<T>(ClaimsPrincipal user, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(user));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        using var response = await http.SendAsync(request, timeout.Token);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new HttpRequestException(SignInNotAccepted, null, response.StatusCode);
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(VeilJson.Options, cancellationToken);
    }
}
