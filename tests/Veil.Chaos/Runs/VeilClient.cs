using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Veil.Chaos.Runs;

/// <summary>
/// The API as a patient client uses it: alternates between the Orchestrations processes and retries what failed
/// for want of a process or of storage (connection refused, timeouts, 5xx), as a tenant's tooling would.
/// </summary>
public sealed class VeilClient : IDisposable
{
    private readonly HttpClient[] apis;
    private int turn;

    public VeilClient(IEnumerable<int> apiPorts, string token)
    {
        apis = [.. apiPorts.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}"), Timeout = TimeSpan.FromSeconds(30) })];
        foreach (var api in apis)
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
    }

    /// <summary>Calls that had to be tried again; and 5xx answers seen (each names what failed).</summary>
    public int Retries { get; private set; }

    public List<string> ServerErrors { get; } = [];

    public Task<JsonElement?> GetAsync(string path, CancellationToken cancellationToken = default) =>
        ReadAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>A POST; with an idempotency key, retrying it after an ambiguous failure cannot create twice.</summary>
    public Task<JsonElement?> PostAsync(string path, object body, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ReadAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            return request;
        }, cancellationToken);

    public Task<JsonElement?> DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        ReadAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    /// <summary>The answer's JSON (null for 404 and bodiless answers); other 4xx throw with the problem detail.</summary>
    private async Task<JsonElement?> ReadAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var api = apis[Interlocked.Increment(ref turn) % apis.Length];
            try
            {
                using var message = request();
                using var response = await api.SendAsync(message, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode < 500)
                {
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return null;
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{message.Method} {message.RequestUri}: {(int)response.StatusCode} {text}");
                    }

                    return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
                }

                lock (ServerErrors)
                {
                    ServerErrors.Add($"{message.Method} {message.RequestUri}: {(int)response.StatusCode} {(text.Length > 300 ? text[..300] : text)}");
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The process or its storage is away: try again, perhaps on the other one.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The API did not answer within 3 minutes of retries.");
            }

            Retries++;
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 2));
        }
    }

    public void Dispose()
    {
        foreach (var api in apis)
        {
            api.Dispose();
        }
    }
}
