using System.Diagnostics;
using System.Security.Cryptography;

namespace Veil.Testing;

/// <summary>
/// The real Azurite (the pinned copy in infra/node_modules), started once per test process on free loopback ports
/// with a throw-away account whose key is generated here, and killed when the process exits. Set
/// <c>VEIL_TEST_STORAGE</c> to a connection string to run the tests against another storage account instead.
/// </summary>
public sealed class Azurite
{
    private static readonly Lazy<Azurite> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private Azurite(string connectionString) => ConnectionString = connectionString;

    /// <summary>The running Azurite of this test process.</summary>
    public static Azurite Shared => Instance.Value;

    public string ConnectionString { get; }

    private static Azurite Start()
    {
        if (Environment.GetEnvironmentVariable("VEIL_TEST_STORAGE") is { Length: > 0 } external)
        {
            return new Azurite(external);
        }

        var azurite = ProcessDescription.Of("azurite");
        var binary = azurite.ProgramPath("");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"Azurite is not installed at {binary}; run infra/install-deps.sh (./veil test does).");
        }

        var account = "veiltest";
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var (blob, queue, table) = (Ports.Free(), Ports.Free(), Ports.Free());
        string[] arguments =
        [
            .. azurite.ArgumentsWith(new Dictionary<string, string>
            {
                ["blob_port"] = Text(blob), ["queue_port"] = Text(queue), ["table_port"] = Text(table),
            }),
            "--inMemoryPersistence",
        ];
        // Azurite runs under a small watchdog that stops it when this test process is gone, however it ended
        // (a killed test host runs no exit handlers).
        var watchdog = $"{Quoted(binary)} {string.Join(' ', arguments.Select(Quoted))} & child=$!; trap 'kill $child 2>/dev/null' EXIT TERM; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done";
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", watchdog },
            // Never the test run's terminal: a watchdog found stopped (state T) after a run had left its Azurite behind.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AZURITE_ACCOUNTS"] = $"{account}:{key}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Ports.IsListening(blob) && Ports.IsListening(queue) && Ports.IsListening(table)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not open ports {blob}, {queue}, {table} (exited: {process.HasExited}): {string.Join('\n', output)}");
            }

            Thread.Sleep(50);
        }

        return new Azurite(
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{account};QueueEndpoint=http://127.0.0.1:{queue}/{account};TableEndpoint=http://127.0.0.1:{table}/{account};");
    }

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A word for bash, single-quoted.</summary>
    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
