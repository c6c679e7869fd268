using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.HostWorker;
using Veil.Orchestrations.Api;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Testing;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// The real boot path in one test process: Azurite, the Orchestrations worker (durable engine, ledger, host-events
/// trigger) and three HostWorkers on simulated hosts — SNP (genoa), SEV-only (rome), none (intel) — on libvirt's
/// test driver. Started once for the tests that share it.
/// </summary>
[CollectionDefinition(nameof(LocalVeil))]
public sealed class SharedLocalVeil : ICollectionFixture<LocalVeil>;

public class LocalVeil : IAsyncLifetime
{
    private readonly List<IHost> hosts = [];
    private readonly List<string> stateDirectories = [];
    private readonly string suffix = Guid.NewGuid().ToString("N")[..6];
    private readonly Veil.Identity.VeilAuthOptions auth = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
    private WebApplicationFactory<Program>? orchestrations;

    /// <summary>Settings of the Orchestrations host that replace the ones tests use (the benchmarks compare profiles).</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();

    public string Genoa => "genoa-" + suffix;

    public string Rome => "rome-" + suffix;

    public string Intel => "intel-" + suffix;

    public IServiceProvider Services => orchestrations!.Services;

    /// <summary>An API client carrying a token for that project and role.</summary>
    public HttpClient Api(string projectId, string role = "tenant")
    {
        var client = orchestrations!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Issue(auth, $"{role}-of-{projectId}", projectId, role));
        return client;
    }

    /// <summary>An API client without a token.</summary>
    public HttpClient Anonymous() => orchestrations!.CreateClient();

    public ServerService Servers => Services.GetRequiredService<ServerService>();

    public ServerStore Store => Services.GetRequiredService<ServerStore>();

    /// <summary>The simulated hosts to start: name, fixture, and an optional SEV guest limit.</summary>
    protected virtual IReadOnlyList<(string Name, string Fixture, int? SevGuestLimit)> HostSet() =>
        [(Genoa, "genoa-snp", null), (Rome, "rome-sev", null), (Intel, "intel-none", null)];

    /// <summary>Hosts on a real libvirt: name and their own settings (URI, domain type, network, paths).</summary>
    protected virtual IReadOnlyList<(string Name, IReadOnlyDictionary<string, string?> Settings)> RealHosts() => [];

    public string Suffix => suffix;

    public virtual async ValueTask InitializeAsync()
    {
        var events = "ev-" + suffix;
        var enrollments = new Veil.Orchestrations.Hosts.HostEnrollments(new Veil.Storage.StorageAccount(Azurite.Shared.ConnectionString), events, TimeProvider.System);
        var simulated = HostSet().Select(h => (h.Name, (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?>
        {
            ["HostWorker:FixtureRoot"] = RepoPaths.HostFixture(h.Fixture),
            ["HostWorker:SevGuestLimit"] = h.SevGuestLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        foreach (var (name, own) in simulated.Concat(RealHosts()))
        {
            var state = Directory.CreateTempSubdirectory("veil-stack-").FullName;
            stateDirectories.Add(state);
            (await enrollments.EnrollAsync(name)).Save(Path.Combine(state, "credential.json"));
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["HostWorker:HostName"] = name,
                ["HostWorker:StateDirectory"] = state,
                ["HostWorker:CredentialFile"] = Path.Combine(state, "credential.json"),
                ["HostWorker:HeartbeatInterval"] = "00:00:02",
                ["HostWorker:Commands:MaxPollingInterval"] = "00:00:00.100",
                ["HostWorker:Commands:MaxConcurrency"] = "16",
            }.Concat(own));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddHostWorker();
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
        }

        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["DurableTask:TaskHubName"] = "stack" + suffix,
            ["DurableTask:MaxQueuePollingInterval"] = "00:00:00.100",
            ["Boot:HostEventsQueue"] = events,
            ["Boot:HostResultTimeout"] = "00:00:20",
            ["Boot:ReconcileGrace"] = "00:00:00",
            ["Auth:SigningKey"] = auth.SigningKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Overrides)
        {
            settings[key] = value;
        }

        orchestrations = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseContentRoot(Path.Combine(RepoPaths.Root, "Orchestrations", "Veil.Orchestrations"));
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        _ = orchestrations.Server;

        // The hosts' reports reach the hosts table through the Orchestrations side: boot nothing before every host is there.
        var expected = HostSet().Select(h => h.Name).Concat(RealHosts().Select(h => h.Name)).ToHashSet(StringComparer.Ordinal);
        var registry = Services.GetRequiredService<Veil.Orchestrations.Hosts.HostRegistry>();
        await Eventually.True(async () => expected.IsSubsetOf((await registry.ListAsync()).Select(h => h.Report.HostName)), "not every host's report reached the hosts table");
    }

    /// <summary>Waits until the server leaves BUILD (or DELETING) and returns it.</summary>
    public async Task<ServerRecord> SettledAsync(string projectId, Guid serverId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var server = await Store.GetAsync(projectId, serverId);
            if (server is { Status: not (ServerStatus.Build or ServerStatus.Deleting) })
            {
                return server;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"server {serverId} still {server?.Status} at step {server?.Step}");
            }

            await Task.Delay(100);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (orchestrations is not null)
        {
            await orchestrations.DisposeAsync();
        }

        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        foreach (var state in stateDirectories)
        {
            Directory.Delete(state, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
