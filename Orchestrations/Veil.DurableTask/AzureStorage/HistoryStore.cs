using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// The History table: partition = instance id; one row per event, row key <c>&lt;execution&gt;:&lt;sequence&gt;</c>, and a
/// <c>sentinel</c> row naming the current execution and how many of its events are committed. Every batch written
/// carries the sentinel with If-Match on the ETag the writer last saw, so two workers can never both extend one
/// history: the second fails with <see cref="HistoryConflictException"/>. Rows past the committed count (left by a
/// writer that died between batches) are ignored and overwritten.
/// </summary>
internal sealed class HistoryStore(TaskHub hub, PayloadStore payloads)
{
    public const string SentinelKey = "sentinel";

    /// <summary>The committed history of the current execution, or an empty one with no ETag.</summary>
    public async Task<CommittedHistory> LoadAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var table = await hub.HistoryTableAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var sentinel = rows.FirstOrDefault(r => r.RowKey == SentinelKey);
        if (sentinel is null)
        {
            return CommittedHistory.Empty;
        }

        var execution = sentinel.GetString("ExecutionId") ?? "";
        var count = sentinel.GetInt32("Count") ?? 0;
        var events = new List<HistoryEvent>(count);
        foreach (var row in rows.Where(r => r.RowKey.StartsWith(execution + ":", StringComparison.Ordinal)).OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            if (events.Count == count)
            {
                break;
            }

            var json = await payloads.ResolveAsync(row.GetString("Event"), cancellationToken);
            events.Add(JsonSerializer.Deserialize<HistoryEvent>(json!, DurableJson.Options)!);
        }

        return new CommittedHistory(execution, events, sentinel.ETag);
    }

    /// <summary>
    /// Appends <paramref name="events"/> after the committed ones (or starts a new execution when
    /// <paramref name="executionId"/> differs from the current one) and returns the new committed state.
    /// </summary>
    public async Task<CommittedHistory> AppendAsync(string instanceId, CommittedHistory current, string executionId, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken = default)
    {
        var table = await hub.HistoryTableAsync();
        var newExecution = executionId != current.ExecutionId;
        var committed = newExecution ? new List<HistoryEvent>() : [.. current.Events];
        var start = committed.Count;
        var etag = current.ETag;
        var total = start + events.Count;
        const int rowsPerBatch = 99;
        for (var offset = 0; offset < events.Count || (offset == 0 && events.Count == 0); offset += rowsPerBatch)
        {
            var actions = new List<TableTransactionAction>();
            foreach (var (e, i) in events.Skip(offset).Take(rowsPerBatch).Select((e, i) => (e, start + offset + i)))
            {
                var json = JsonSerializer.Serialize(e, DurableJson.Options);
                var row = new TableEntity(instanceId, $"{executionId}:{i.ToString("D8", CultureInfo.InvariantCulture)}")
                {
                    ["EventType"] = e.Type.ToString(),
                    ["Name"] = e.Name,
                    ["EventTimestamp"] = DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc),
                    ["Event"] = await payloads.OffloadAsync(instanceId, $"history/{executionId}/{i}", json, cancellationToken),
                };
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            }

            var last = offset + rowsPerBatch >= events.Count;
            var sentinel = new TableEntity(instanceId, SentinelKey)
            {
                ["ExecutionId"] = last ? executionId : current.ExecutionId,
                ["Count"] = last ? total : current.Events.Count,
                ["PendingExecutionId"] = executionId,
            };
            actions.Add(etag is { } tag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, sentinel, tag)
                : new TableTransactionAction(TableTransactionActionType.Add, sentinel));
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken);
                etag = response.Value[^1].Headers.ETag ?? throw new InvalidOperationException("The sentinel came back without an ETag.");
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw new HistoryConflictException($"History of '{instanceId}' was extended by another worker.", e);
            }

            if (events.Count == 0)
            {
                break;
            }
        }

        committed.AddRange(events);
        return new CommittedHistory(executionId, committed, etag);
    }

    /// <summary>Deletes every history row of an instance (all executions). Returns how many events were removed.</summary>
    public async Task<int> DeleteAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var table = await hub.HistoryTableAsync();
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
        }

        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All)), cancellationToken);
        }

        return keys.Count(k => k != SentinelKey);
    }

    /// <summary>Best-effort removal of an earlier execution's rows after continue-as-new.</summary>
    public async Task DeleteExecutionAsync(string instanceId, string executionId, CancellationToken cancellationToken = default)
    {
        var table = await hub.HistoryTableAsync();
        var prefix = executionId + ":";
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                keys.Add(row.RowKey);
            }
        }

        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All)), cancellationToken);
        }
    }
}

/// <summary>An instance's committed history: its current execution, events, and the sentinel's ETag (null when none yet).</summary>
internal sealed record CommittedHistory(string ExecutionId, IReadOnlyList<HistoryEvent> Events, ETag? ETag)
{
    public static CommittedHistory Empty { get; } = new("", [], null);
}

internal sealed class HistoryConflictException : Exception
{
    public HistoryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HistoryConflictException()
    {
    }

    public HistoryConflictException(string message)
        : base(message)
    {
    }
}
