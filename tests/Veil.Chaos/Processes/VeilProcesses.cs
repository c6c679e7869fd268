using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Veil.Testing;

namespace Veil.Chaos.Processes;

/// <summary>
/// Veil as separate processes, each started as <c>infra/processes.conf</c> describes it (as `./veil run` starts
/// them; secrets in the environment, never on a command line): Azurite with on-disk persistence
/// (behind <see cref="StorageProxy"/>), two Orchestrations processes sharing the work, the three simulated hosts,
/// and the Portal. Timings are shortened (leases, visibility, reconciliation) so a crash is recovered from within
/// seconds rather than minutes; the mechanisms are the production ones.
/// </summary>
public sealed class VeilProcesses : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> HostNames = ProcessDescription.SimulatedHosts;

    private readonly string state = Directory.CreateTempSubdirectory("veil-chaos-").FullName;
    private readonly string accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly int[] storagePorts = [Ports.Free(), Ports.Free(), Ports.Free()];
    private readonly int[] azuritePorts = [Ports.Free(), Ports.Free(), Ports.Free()];
    private readonly StorageProxy proxy;

    public VeilProcesses()
    {
        SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Password = "Chaos-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + "-1a";
        proxy = new StorageProxy([(storagePorts[0], azuritePorts[0]), (storagePorts[1], azuritePorts[1]), (storagePorts[2], azuritePorts[2])]);
        Directory.CreateDirectory(Path.Combine(state, "logs"));
        Azurite = new ManagedProcess("azurite", () =>
        {
            var start = ProcessDescription.Of("azurite").StartInfo(Configuration, "Development", new Dictionary<string, string>
            {
                ["blob_port"] = Text(azuritePorts[0]), ["queue_port"] = Text(azuritePorts[1]), ["table_port"] = Text(azuritePorts[2]),
            }, ["--location", Path.Combine(state, "azurite")]);
            start.Environment["AZURITE_ACCOUNTS"] = $"veil:{accountKey}";
            return start;
        }, Log("azurite"));
        ApiPorts = [Ports.Free(), Ports.Free()];
        PortalPort = Ports.Free();
        Orchestrations = [.. ApiPorts.Select((port, i) => Veil($"orchestrations-{(char)('a' + i)}", "orchestrations", new() { ["api_port"] = Text(port) },
        [
            "--Boot:ReconcileInterval=00:00:05", "--Boot:ReconcileGrace=00:00:15", "--Boot:HostResultTimeout=00:00:30", "--Boot:HeartbeatWindow=00:00:20",
            "--DurableTask:PartitionLeaseInterval=00:00:15", "--DurableTask:MessageVisibilityTimeout=00:00:15",
        ], ("Auth__SigningKey", SigningKey), ("Storage__ConnectionString", ConnectionString)))];
        HostWorkers = [.. HostNames.Select(host => Veil($"hostworker-{host}", "hostworker", new() { ["host"] = host },
        [
            $"--HostWorker:FixtureRoot={RepoPaths.HostFixture(host)}", "--HostWorker:HeartbeatInterval=00:00:02", "--HostWorker:Commands:VisibilityTimeout=00:00:10",
        ]))];
        Portal = Veil("portal", "portal", new() { ["api_port"] = Text(ApiPorts[0]), ["portal_port"] = Text(PortalPort) }, [],
            ("Auth__SigningKey", SigningKey), ("Portal__DemoPasswords__alice", Password));
    }

    public string SigningKey { get; }

    public string Password { get; }

    public int[] ApiPorts { get; }

    public int PortalPort { get; }

    public ManagedProcess Azurite { get; }

    public IReadOnlyList<ManagedProcess> Orchestrations { get; }

    public IReadOnlyList<ManagedProcess> HostWorkers { get; }

    public ManagedProcess Portal { get; }

    public IEnumerable<ManagedProcess> All => [Azurite, .. Orchestrations, .. HostWorkers, Portal];

    public string LogFolder => Path.Combine(state, "logs");

    /// <summary>How Veil's processes reach storage (through the proxy).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=veil;AccountKey={accountKey};BlobEndpoint=http://127.0.0.1:{storagePorts[0]}/veil;" +
        $"QueueEndpoint=http://127.0.0.1:{storagePorts[1]}/veil;TableEndpoint=http://127.0.0.1:{storagePorts[2]}/veil;";

    /// <summary>The build the processes run from: the configuration this tool was built in.</summary>
    private static string Configuration => ProcessDescription.BuildConfiguration;

    public async Task StartAsync()
    {
        Azurite.Start();
        await WaitForPortsAsync(azuritePorts, TimeSpan.FromSeconds(30));
        proxy.Start();
        foreach (var orchestrations in Orchestrations)
        {
            orchestrations.Start();
        }

        await Task.WhenAll(ApiPorts.Select((p, i) => WaitForHealthAsync(p, Orchestrations[i], TimeSpan.FromSeconds(60))));
        foreach (var name in HostNames)
        {
            await EnrollAsync(name);
        }

        foreach (var host in HostWorkers)
        {
            host.Start();
        }

        Portal.Start();
        await WaitForHealthAsync(PortalPort, Portal, TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills one process with SIGKILL and starts it again after a pause.</summary>
    public async Task CrashAsync(ManagedProcess victim, TimeSpan down)
    {
        ArgumentNullException.ThrowIfNull(victim);
        if (victim == Azurite)
        {
            proxy.Cut();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(6)); // Azurite saves what it acknowledged every 5 s
                await Azurite.KillAsync();
                await Task.Delay(down);
            }
            finally
            {
                if (!Azurite.Running)
                {
                    Azurite.Start();
                }

                await WaitForPortsAsync(azuritePorts, TimeSpan.FromSeconds(60));
                proxy.Start();
            }

            return;
        }

        await victim.KillAsync();
        await Task.Delay(down);
        victim.Start();
    }

    /// <summary>Enrolls a host as `./veil run` does (the Orchestrations tool's enroll-host): its credential is its only access to storage.</summary>
    private async Task EnrollAsync(string host)
    {
        Directory.CreateDirectory(Path.Combine(state, "hosts", host));
        var start = ProcessDescription.Of("enroll-host").StartInfo(Configuration, "Development", new Dictionary<string, string> { ["state"] = state, ["host"] = host }, []);
        start.Environment["Storage__ConnectionString"] = ConnectionString;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"enroll-host {host} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>A bearer token for the API, minted by the Orchestrations tool as `./veil run` does.</summary>
    public async Task<string> TokenAsync(string subject, string project, string role)
    {
        var start = new ProcessStartInfo("dotnet", [ProcessDescription.Of("orchestrations").ProgramPath(Configuration), "token", subject, project, role])
        {
            RedirectStandardOutput = true,
        };
        start.Environment["Auth__SigningKey"] = SigningKey;
        using var process = Process.Start(start)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? token : throw new InvalidOperationException($"token exited {process.ExitCode}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in All.Reverse())
        {
            process.Dispose();
        }

        proxy.Dispose();
        await Task.Delay(200);
        if (Environment.GetEnvironmentVariable("VEIL_CHAOS_KEEP") is null)
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>One of Veil's own processes, as described, with this run's state folder, timings and secrets.</summary>
    private ManagedProcess Veil(string name, string process, Dictionary<string, string> values, string[] extra, params (string Name, string Value)[] secrets) => new(name, () =>
    {
        values["state"] = state;
        var start = ProcessDescription.Of(process).StartInfo(Configuration, "Development", values, extra);
        foreach (var (secret, value) in secrets)
        {
            start.Environment[secret] = value;
        }

        return start;
    }, Log(name));

    private string Log(string name) => Path.Combine(state, "logs", name + ".log");

    private static async Task WaitForPortsAsync(IEnumerable<int> ports, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ports.All(Ports.IsListening))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Ports {string.Join(", ", ports)} did not open within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    private static async Task WaitForHealthAsync(int port, ManagedProcess process, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{process.Name} was not healthy on port {port} within {timeout.TotalSeconds} s; its log ends:\n{string.Join("\n", File.ReadLines(process.LogPath).TakeLast(15))}");
            }

            await Task.Delay(200);
        }
    }
}
