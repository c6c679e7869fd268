using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Quotas;
using Veil.Storage;

namespace Veil.Orchestrations.Servers;

/// <summary>
/// Servers (table <c>VeilServers</c>: partition = project, row = server id; the record as JSON). Each project's
/// partition also holds its generation row, which every quota-counted create changes: two creates counted at once
/// cannot both pass (placement's resource provider generation, applied to a project).
/// </summary>
public sealed class ServerStore(StorageAccount storage, TimeProvider time)
{
    public const string TableName = "VeilServers";

    private const string GenerationRow = "~generation";

    public async Task SaveAsync(ServerRecord server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var table = await storage.TableAsync(TableName);
        await table.UpsertEntityAsync(Row(server), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Records a new server; false when a server with that id already exists (nothing is changed then).</summary>
    public async Task<bool> TryAddAsync(ServerRecord server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var table = await storage.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(Row(server), cancellationToken);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Records new servers of one project all together or not at all, if <paramref name="admit"/> lets them in
    /// beside the project's live servers (those not DELETED). The project's generation row is changed in the same
    /// table transaction, so a create that counted before another committed counts again. Servers that already
    /// exist (a retried request) are not counted again: the answer is <see cref="CountedAdd.Existed"/>.
    /// </summary>
    public async Task<CountedAdd> TryAddCountedAsync(string projectId, IReadOnlyList<ServerRecord> records, Func<IReadOnlyList<ServerRecord>, QuotaExceeded?> admit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(admit);
        var table = await storage.TableAsync(TableName);
        for (var attempt = 1; ; attempt++)
        {
            var generation = await table.GetEntityIfExistsAsync<TableEntity>(projectId, GenerationRow, cancellationToken: cancellationToken);
            var live = await ListLiveAsync(table, projectId, cancellationToken);
            var ids = records.Select(r => r.ServerId).ToHashSet();
            if (live.Any(s => ids.Contains(s.ServerId)))
            {
                return CountedAdd.Existed;
            }

            if (admit(live) is { } refusal)
            {
                return await GetAsync(projectId, records[0].ServerId, cancellationToken) is null ? CountedAdd.Refused(refusal) : CountedAdd.Existed;
            }

            var next = new TableEntity(projectId, GenerationRow) { ["Generation"] = (generation.HasValue ? generation.Value!.GetInt64("Generation") ?? 0 : 0) + 1 };
            List<TableTransactionAction> actions = [.. records.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Row(r)))];
            actions.Add(generation.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, generation.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, next));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return CountedAdd.Added;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index < records.Count && e.Status == 409)
            {
                return CountedAdd.Existed;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxCountingAttempts)
            {
                // Another create of this project committed first: count again. Jittered, so a crowd spreads out.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(attempt, 20) * 10)), time, cancellationToken);
            }
        }
    }

    /// <summary>Creates racing in one project each win a round; enough rounds for a crowd of them.</summary>
    private const int MaxCountingAttempts = 200;

    private static async Task<IReadOnlyList<ServerRecord>> ListLiveAsync(TableClient table, string projectId, CancellationToken cancellationToken)
    {
        var result = new List<ServerRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and Status ne {ServerStatus.Deleted.ToString()}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey != GenerationRow)
            {
                result.Add(Read(row));
            }
        }

        return result;
    }

    public async Task<ServerRecord?> GetAsync(string projectId, Guid serverId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(projectId, serverId.ToString(), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>Applies a change to a stored server (no-op when it is gone).</summary>
    public async Task<ServerRecord?> UpdateAsync(string projectId, Guid serverId, Func<ServerRecord, ServerRecord> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var table = await storage.TableAsync(TableName);
            var row = await table.GetEntityIfExistsAsync<TableEntity>(projectId, serverId.ToString(), cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            var updated = change(Read(row.Value!)) with { UpdatedAt = time.GetUtcNow() };
            try
            {
                await table.UpdateEntityAsync(Row(updated), row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return updated;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 5)
            {
            }
        }
    }

    /// <summary>Servers of one project, or of all projects when <paramref name="projectId"/> is null.</summary>
    public Task<IReadOnlyList<ServerRecord>> ListAsync(string? projectId, CancellationToken cancellationToken = default) =>
        ListAsync(projectId, null, cancellationToken);

    /// <summary>Servers of one project (or all), only those in <paramref name="status"/> when it is given: the storage filters them.</summary>
    public async Task<IReadOnlyList<ServerRecord>> ListAsync(string? projectId, ServerStatus? status, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var result = new List<ServerRecord>();
        var filters = new List<string>();
        if (projectId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"));
        }

        if (status is { } wanted)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {wanted.ToString()}"));
        }

        var rows = table.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            if (row.RowKey != GenerationRow)
            {
                result.Add(Read(row));
            }
        }

        return result;
    }

    private static TableEntity Row(ServerRecord server) => new(server.ProjectId, server.ServerId.ToString())
    {
        ["Status"] = server.Status.ToString(),
        ["Record"] = JsonSerializer.Serialize(server with { PlacementAccount = null }, VeilJson.Options), // kept beside it: PlacementAccounts
    };

    private static ServerRecord Read(TableEntity row) => JsonSerializer.Deserialize<ServerRecord>(row.GetString("Record")!, VeilJson.Options)!;
}

/// <summary>How a counted create ended: the servers were added, they already existed, or a quota refused them.</summary>
public sealed record CountedAdd(bool IsAdded, QuotaExceeded? Refusal)
{
    public static CountedAdd Added { get; } = new(true, null);

    public static CountedAdd Existed { get; } = new(false, null);

    public static CountedAdd Refused(QuotaExceeded refusal) => new(false, refusal);
}
