using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Servers;

/// <summary>Servers (table <c>VeilServers</c>: partition = project, row = server id; the record as JSON).</summary>
public sealed class ServerStore(StorageAccount storage, TimeProvider time)
{
    public const string TableName = "VeilServers";

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
            result.Add(Read(row));
        }

        return result;
    }

    private static TableEntity Row(ServerRecord server) => new(server.ProjectId, server.ServerId.ToString())
    {
        ["Status"] = server.Status.ToString(),
        ["Record"] = JsonSerializer.Serialize(server, VeilJson.Options),
    };

    private static ServerRecord Read(TableEntity row) => JsonSerializer.Deserialize<ServerRecord>(row.GetString("Record")!, VeilJson.Options)!;
}
