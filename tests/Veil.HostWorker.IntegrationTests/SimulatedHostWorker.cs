using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>
/// A real HostWorker (the same AddHostWorker wiring as Program.cs) on a simulated host against the real Azurite, with
/// its own host name, events queue and state folder, so tests never see each other's commands or domains.
/// </summary>
internal sealed class SimulatedHostWorker : IAsyncDisposable
{
    private readonly bool ownsState;
    private IHost? host;

    public SimulatedHostWorker(string fixture, string? stateDirectory = null, string? hostName = null)
    {
        Fixture = fixture;
        HostName = hostName ?? fixture.Split('-')[0] + "-" + Guid.NewGuid().ToString("N")[..12];
        EventsQueue = "ev-" + Guid.NewGuid().ToString("N")[..16];
        ownsState = stateDirectory is null;
        StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("veil-host-").FullName;
    }

    public string Fixture { get; }

    public string HostName { get; }

    public string EventsQueue { get; }

    public string StateDirectory { get; }

    public StorageAccount Storage { get; } = new(Azurite.Shared.ConnectionString);

    public IServiceProvider Services => host?.Services ?? throw new InvalidOperationException("not started");

    /// <summary>The settings a HostWorker process gets on its command line.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
        ["HostWorker:HostName"] = HostName,
        ["HostWorker:FixtureRoot"] = RepoPaths.HostFixture(Fixture),
        ["HostWorker:StateDirectory"] = StateDirectory,
        ["HostWorker:EventsQueue"] = EventsQueue,
        ["HostWorker:HeartbeatInterval"] = "00:00:01",
        ["HostWorker:Commands:VisibilityTimeout"] = "00:00:03",
        ["HostWorker:Commands:MaxPollingInterval"] = "00:00:00.100",
        ["HostWorker:Commands:RetryDelay"] = "00:00:00",
    };

    public async Task StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddHostWorker();
        host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            host = null;
            throw;
        }
    }

    public async Task StopAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
            host = null;
        }
    }

    public async Task SendAsync(string text) => await (await Storage.QueueAsync(HostQueues.Commands(HostName))).SendMessageAsync(text);

    public Task SendAsync(HostCommand command) => SendAsync(JsonSerializer.Serialize(command, VeilJson.Options));

    /// <summary>The next outcome on this worker's events queue; acceptances are read past unless <paramref name="acceptances"/>.</summary>
    public async Task<HostEvent> NextEventAsync(TimeSpan? timeout = null, bool acceptances = false)
    {
        var queue = await Storage.QueueAsync(EventsQueue);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var message = (await queue.ReceiveMessageAsync()).Value;
            if (message is not null)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                var hostEvent = JsonSerializer.Deserialize<HostEvent>(message.Body.ToString(), VeilJson.Options)!;
                if (acceptances || hostEvent.Outcome != HostCommandOutcome.Accepted)
                {
                    return hostEvent;
                }

                continue;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no event on {EventsQueue} from host {HostName}");
    }

    /// <summary>Outcomes waiting on the events queue (acceptances are not outcomes).</summary>
    public async Task<int> PendingOutcomesAsync()
    {
        var waiting = (await (await Storage.QueueAsync(EventsQueue)).PeekMessagesAsync(32)).Value;
        return waiting.Count(m => JsonSerializer.Deserialize<HostEvent>(m.Body.ToString(), VeilJson.Options)!.Outcome != HostCommandOutcome.Accepted);
    }

    public async Task<QueueClient> CommandQueueAsync() => await Storage.QueueAsync(HostQueues.Commands(HostName));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (ownsState)
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    public static HostCommand Spawn(Shared.Guests.GuestSpec guest) => new(Guid.NewGuid(), HostCommandKind.Spawn, guest.ServerId, DateTimeOffset.UtcNow, guest, "instance-" + guest.ServerId);

    public static HostCommand Command(HostCommandKind kind, Guid serverId) => new(Guid.NewGuid(), kind, serverId, DateTimeOffset.UtcNow, null, "instance-" + serverId);
}
