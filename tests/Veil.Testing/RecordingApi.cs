using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
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
        await api.app.StartAsync();
        api.BaseUrl = api.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return api;
    }

    /// <summary>The Authorization header of each call to <paramref name="path"/>, oldest first.</summary>
    public IReadOnlyList<string> Authorizations(string path) => [.. calls.Where(c => c.Path == path).Select(c => c.Authorization)];

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
