using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Shared.Api;
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
        EventsQueue = "ev-" + HostName; // one per host name, so a worker restarted under the same name still finds its events
        ownsState = stateDirectory is null;
        StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("veil-host-").FullName;
    }

    public string Fixture { get; }

    public string HostName { get; }

    /// <summary>The events queue this worker's enrollment lets it add to (its own, so tests never share one).</summary>
    public string EventsQueue { get; }

    public string StateDirectory { get; }

    /// <summary>Where the credential its host's enrollment issued is kept (0600), as an operator keeps it.</summary>
    public string CredentialFile => Path.Combine(StateDirectory, $"credential-{HostName}.json");

    /// <summary>The account itself, with its key: what the test (as the Orchestrations side) sees.</summary>
    public StorageAccount Storage { get; } = new(Azurite.Shared.ConnectionString);

    public IServiceProvider Services => host?.Services ?? throw new InvalidOperationException("not started");

    /// <summary>The reports, heartbeats and parked commands read so far from the events queue (every one signed).</summary>
    public List<HostReport> Reports { get; } = [];

    public List<HostHeartbeat> Heartbeats { get; } = [];

    public List<ParkedMessage> Parked { get; } = [];

    /// <summary>The settings a HostWorker process gets on its command line (the host is enrolled first, once).</summary>
    public Dictionary<string, string?> Settings()
    {
        EnrollAsync().GetAwaiter().GetResult();
        return new()
        {
            ["HostWorker:HostName"] = HostName,
            ["HostWorker:FixtureRoot"] = RepoPaths.HostFixture(Fixture),
            ["HostWorker:StateDirectory"] = StateDirectory,
            ["HostWorker:CredentialFile"] = CredentialFile,
            ["HostWorker:HeartbeatInterval"] = "00:00:01",
            ["HostWorker:Commands:VisibilityTimeout"] = "00:00:03",
            ["HostWorker:Commands:MaxPollingInterval"] = "00:00:00.100",
            ["HostWorker:Commands:RetryDelay"] = "00:00:00",
        };
    }

    /// <summary>
    /// Enrolls the host as an admin would, once per host name in this test process: a second worker under the same
    /// name is given the same credential, as an operator who started two workers for one host would have done.
    /// </summary>
    public async Task EnrollAsync()
    {
        if (!File.Exists(CredentialFile))
        {
            var credential = await Enrolled.GetOrAdd(HostName, name => new Lazy<Task<HostCredential>>(() =>
                new Veil.Orchestrations.Hosts.HostEnrollments(Storage, EventsQueue, TimeProvider.System).EnrollAsync(name))).Value;
            credential.Save(CredentialFile);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<HostCredential>>> Enrolled = new(StringComparer.Ordinal);

    /// <summary>The credential the worker holds.</summary>
    public HostCredential Credential()
    {
        EnrollAsync().GetAwaiter().GetResult();
        return JsonSerializer.Deserialize<HostCredential>(File.ReadAllText(CredentialFile), VeilJson.Options)!;
    }

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

    /// <summary>The next outcome on this worker's events queue; acceptances are read past unless <paramref name="acceptances"/>.
    /// Reports, heartbeats and parked commands met on the way are kept in their lists.</summary>
    public async Task<HostEvent> NextEventAsync(TimeSpan? timeout = null, bool acceptances = false)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await NextMessageAsync() is { Kind: HostMessageKind.Outcome } message
                && message.Read<HostEvent>() is var hostEvent && (acceptances || hostEvent.Outcome != HostCommandOutcome.Accepted))
            {
                return hostEvent;
            }
        }

        throw new TimeoutException($"no event on {EventsQueue} from host {HostName}");
    }

    /// <summary>Reads the events queue until <paramref name="seen"/> holds of what was kept, or the timeout passes.</summary>
    public async Task UntilAsync(Func<bool> seen, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!seen())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"host {HostName}: {what} did not come on {EventsQueue}");
            }

            await NextMessageAsync();
        }
    }

    /// <summary>The next message on the events queue (null after a short wait for one), checked to be signed with this
    /// host's key; a report, heartbeat or parked command is kept in its list.</summary>
    public async Task<HostMessage?> NextMessageAsync()
    {
        var queue = await Storage.QueueAsync(EventsQueue);
        var received = (await queue.ReceiveMessageAsync()).Value;
        if (received is null)
        {
            await Task.Delay(50);
            return null;
        }

        await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
        var message = Verified(received.Body.ToString());
        switch (message.Kind)
        {
            case HostMessageKind.Report:
                Reports.Add(message.Read<HostReport>());
                break;
            case HostMessageKind.Heartbeat:
                Heartbeats.Add(message.Read<HostHeartbeat>());
                break;
            case HostMessageKind.Parked:
                Parked.Add(message.Read<ParkedMessage>());
                break;
        }

        return message;
    }

    /// <summary>Outcomes waiting on the events queue (acceptances are not outcomes).</summary>
    public async Task<int> PendingOutcomesAsync()
    {
        var waiting = (await (await Storage.QueueAsync(EventsQueue)).PeekMessagesAsync(32)).Value;
        return waiting.Select(m => Verified(m.Body.ToString()))
            .Count(m => m.Kind == HostMessageKind.Outcome && m.Read<HostEvent>().Outcome != HostCommandOutcome.Accepted);
    }

    private HostMessage Verified(string text)
    {
        var message = JsonSerializer.Deserialize<HostMessage>(text, VeilJson.Options)!;
        var credential = Credential();
        if (message.Host != HostName || message.Generation != credential.Generation || !message.IsSignedWith(credential.KeyBytes()!))
        {
            throw new InvalidOperationException($"a message on {EventsQueue} is not signed by host {HostName}'s credential: {text}");
        }

        return message;
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
