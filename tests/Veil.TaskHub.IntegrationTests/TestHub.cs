using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.Testing;

namespace Veil.TaskHub.IntegrationTests;

/// <summary>
/// A task hub of its own on the shared Azurite, with an in-process worker (a real Generic Host with
/// AddTaskHubWorker) or only a client.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    private readonly IHost host;

    private TestHub(IHost host, Dictionary<string, string?> settings)
    {
        this.host = host;
        Settings = settings;
    }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IServiceProvider Services => host.Services;

    public DurableTaskClient Client => host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Settings for a fresh hub: quick polling, short leases and visibility, as tests want them.</summary>
    public static Dictionary<string, string?> FreshSettings(int partitions = 2, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Azurite.Shared.ConnectionString,
            ["DurableTask:TaskHubName"] = "t" + Guid.NewGuid().ToString("N")[..16],
            ["DurableTask:PartitionCount"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DurableTask:MaxQueuePollingInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A worker running <paramref name="register"/>'s orchestrations, and its client.</summary>
    public static Task<TestHub> StartAsync(Action<DurableTaskRegistry> register, Dictionary<string, string?>? settings = null) =>
        StartAsync(settings ?? FreshSettings(), register);

    /// <summary>A process that is only a client (no worker).</summary>
    public static Task<TestHub> StartClientAsync(Dictionary<string, string?> settings) => StartAsync(settings, null);

    private static async Task<TestHub> StartAsync(Dictionary<string, string?> settings, Action<DurableTaskRegistry>? register)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (register is null)
        {
            builder.Services.AddTaskHubClient(builder.Configuration);
        }
        else
        {
            builder.Services.AddTaskHubWorker(builder.Configuration, register);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new TestHub(host, settings);
    }

    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input = null, string? instanceId = null, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId));
        return await CompletionAsync(id, timeout);
    }

    public async Task<OrchestrationMetadata> CompletionAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancel.Token);
    }

    /// <summary>Waits until the instance reaches the status (or the deadline passes, which fails the test).</summary>
    public async Task<OrchestrationMetadata> StatusAsync(string instanceId, OrchestrationRuntimeStatus status, TimeSpan? timeout = null) =>
        (await Eventually.Until(
            () => Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true),
            instance => instance?.RuntimeStatus == status,
            instance => $"{instanceId} is {instance?.RuntimeStatus}, not {status}",
            timeout))!;

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
