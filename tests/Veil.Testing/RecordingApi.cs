using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Veil.Testing;

/// <summary>
/// A stand-in for the Orchestrations API where a Portal under test sends its calls, on a real Kestrel: it records the Authorization header of each
/// call and answers every one with an empty list. What the API does with a token is the Orchestrations tests' subject;
/// this one is about what the Portal sends.
/// </summary>
public sealed class RecordingApi : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string Authorization)> calls = new();
    private readonly WebApplication app;

    private RecordingApi()
    {
        app = LoopbackApp.Create();
        app.Run(http =>
        {
            calls.Enqueue((http.Request.Path.Value ?? "", http.Request.Headers.Authorization.ToString()));
            return http.Response.WriteAsJsonAsync(Array.Empty<object>());
        });
    }

    public string BaseUrl { get; private set; } = "";

    public static async Task<RecordingApi> StartAsync()
    {
        var api = new RecordingApi();
        api.BaseUrl = (await LoopbackApp.StartAsync(api.app)).GetLeftPart(UriPartial.Authority);
        return api;
    }

    /// <summary>The Authorization header of each call to <paramref name="path"/>, oldest first.</summary>
    public IReadOnlyList<string> Authorizations(string path) => [.. calls.Where(c => c.Path == path).Select(c => c.Authorization)];

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(app);
}
