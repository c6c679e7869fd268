using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Veil.Storage;

/// <summary>
/// Counts this process's requests to the storage account, by service, for the benchmarks' "storage operations per
/// boot". Every Azure SDK client Veil makes — its own and the Durable Task Framework's — is created with these
/// options, so the count covers both. A counter is an interlocked increment per request: always on.
/// </summary>
public static class StorageRequests
{
    private static readonly ConcurrentDictionary<string, long> ByOperation = new(StringComparer.Ordinal);
    private static long queue;
    private static long table;
    private static long blob;

    /// <summary>Requests sent so far by this process: queue, table, blob.</summary>
    public static (long Queue, long Table, long Blob) Snapshot() =>
        (Interlocked.Read(ref queue), Interlocked.Read(ref table), Interlocked.Read(ref blob));

    /// <summary>Requests sent so far by this process, by kind: service, HTTP method and what it acts on.</summary>
    public static IReadOnlyDictionary<string, long> Operations() => ByOperation.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);

    public static QueueClientOptions QueueOptions() => Counted(new QueueClientOptions(), "queue", () => Interlocked.Increment(ref queue));

    public static TableClientOptions TableOptions() => Counted(new TableClientOptions(), "table", () => Interlocked.Increment(ref table));

    public static BlobClientOptions BlobOptions() => Counted(new BlobClientOptions(), "blob", () => Interlocked.Increment(ref blob));

    private static T Counted<T>(T options, string service, Action count)
        where T : ClientOptions
    {
        options.AddPolicy(new CountingPolicy(service, count), HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>What a request acts on, from its path: a queue's messages or one message, a table batch, an entity, a query.</summary>
    private static string Target(string service, string path) => service switch
    {
        "queue" when path.EndsWith("/messages", StringComparison.Ordinal) => $"messages of {QueueKind(path)}",
        "queue" when path.Contains("/messages/", StringComparison.Ordinal) => $"message of {QueueKind(path)}",
        "table" when path.EndsWith("$batch", StringComparison.Ordinal) => "batch",
        "table" when path.EndsWith(')') => "entity",
        "table" => "query",
        _ => service == "blob" && path.Count(c => c == '/') > 2 ? "blob" : "container",
    };

    /// <summary>A queue's name with its numbers and ids blanked, so that like queues count together (<c>hub#-control-#</c>).</summary>
    private static string QueueKind(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(segments, "messages");
        var name = at > 0 ? segments[at - 1] : "?";
        return System.Text.RegularExpressions.Regex.Replace(name, "[0-9a-f]{6,}|[0-9]+", "#");
    }

    private sealed class CountingPolicy(string service, Action count) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            count();
            var key = $"{service} {message.Request.Method} {Target(service, message.Request.Uri.Path)}";
            ByOperation.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }
}
