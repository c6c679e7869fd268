using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Testing;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>
/// A task hub of its own on the shared Azurite, with one or more in-process workers (each a real Generic Host with
/// AddDurableTaskWorker) and a client.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    private readonly List<IHost> workers = [];
    private readonly Action<DurableTaskRegistry> register;
    private readonly Dictionary<string, string?> settings;
    private IHost? clientHost;

    public TestHub(Action<DurableTaskRegistry> register, int partitions = 2, Dictionary<string, string?>? extra = null)
    {
        this.register = register;
        Configure = _ => { };
        HubName = "t" + Guid.NewGuid().ToString("N")[..16];
        settings = new()
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["DurableTask:TaskHubName"] = HubName,
            ["DurableTask:PartitionCount"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DurableTask:MaxPollingInterval"] = "00:00:00.100",
            ["DurableTask:MessageVisibilityTimeout"] = "00:00:05",
            ["DurableTask:MaxDequeueCount"] = "3",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
    }

    public string HubName { get; }

    /// <summary>Extra services for the next workers (e.g. a logger provider).</summary>
    public Action<IServiceCollection> Configure { get; set; }

    public IReadOnlyDictionary<string, string?> Settings => settings;

    public IReadOnlyList<IHost> Workers => workers;

    public DurableTaskClient Client => (clientHost ?? workers[0]).Services.GetRequiredService<DurableTaskClient>();

    public static async Task<TestHub> StartAsync(Action<DurableTaskRegistry> register, int partitions = 2, int workers = 1, Dictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var hub = new TestHub(register, partitions, extra);
        if (configure is not null)
        {
            hub.Configure = configure;
        }

        for (var i = 0; i < workers; i++)
        {
            await hub.AddWorkerAsync();
        }

        return hub;
    }

    public async Task<IHost> AddWorkerAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(builder.Configuration, register);
        Configure(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        workers.Add(host);
        return host;
    }

    /// <summary>A process that is only a client (no worker).</summary>
    public async Task<DurableTaskClient> StartClientOnlyAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDurableTaskClient(builder.Configuration);
        clientHost = builder.Build();
        await clientHost.StartAsync();
        return clientHost.Services.GetRequiredService<DurableTaskClient>();
    }

    public async Task StopWorkerAsync(IHost worker)
    {
        await worker.StopAsync();
        worker.Dispose();
        workers.Remove(worker);
    }

    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input = null, string? instanceId = null, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId));
        return await CompletionAsync(id, timeout);
    }

    public async Task<OrchestrationMetadata> CompletionAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in workers.ToList())
        {
            await StopWorkerAsync(worker);
        }

        if (clientHost is not null)
        {
            await clientHost.StopAsync();
            clientHost.Dispose();
        }
    }
}
