using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// The Instances table: one row per instance (partition key = instance id), with its status, times, input, output,
/// custom status and failure; large values live in blobs. Workers write it when something a reader cares about
/// changes; the client creates the row (Pending) before sending the start message.
/// </summary>
internal sealed class InstanceStore(TaskHub hub, PayloadStore payloads)
{
    public async Task<(OrchestrationMetadata Metadata, ETag ETag)?> GetAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        var response = await table.GetEntityIfExistsAsync<TableEntity>(instanceId, "", cancellationToken: cancellationToken);
        return response.HasValue ? (await ReadAsync(response.Value!, withPayloads, cancellationToken), response.Value!.ETag) : null;
    }

    /// <summary>Creates the row, or replaces a terminal one (matched by ETag so two schedulers cannot both win).</summary>
    public async Task CreateAsync(OrchestrationMetadata instance, ETag? replacing, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        var entity = await ToEntityAsync(instance, cancellationToken);
        try
        {
            if (replacing is { } etag)
            {
                await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new OrchestrationAlreadyExistsException(instance.InstanceId);
        }
    }

    public async Task UpsertAsync(OrchestrationMetadata instance, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        await table.UpsertEntityAsync(await ToEntityAsync(instance, cancellationToken), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        var response = await table.DeleteEntityAsync(instanceId, "", ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Rows matching an OData filter, a page at a time.</summary>
    public async Task<(List<OrchestrationMetadata> Page, string? ContinuationToken)> QueryAsync(string? filter, int pageSize, string? continuationToken, bool withPayloads, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            var result = new List<OrchestrationMetadata>(page.Values.Count);
            foreach (var row in page.Values)
            {
                result.Add(await ReadAsync(row, withPayloads, cancellationToken));
            }

            return (result, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Ids and statuses of every row matching the filter (for counts and bulk purges).</summary>
    public async Task<List<(string InstanceId, OrchestrationRuntimeStatus Status)>> ScanAsync(string? filter, CancellationToken cancellationToken = default)
    {
        var table = await hub.InstancesTableAsync();
        var result = new List<(string, OrchestrationRuntimeStatus)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RuntimeStatus"], cancellationToken: cancellationToken))
        {
            result.Add((row.PartitionKey, Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("RuntimeStatus") ?? "Pending")));
        }

        return result;
    }

    private async Task<TableEntity> ToEntityAsync(OrchestrationMetadata m, CancellationToken cancellationToken) => new(m.InstanceId, "")
    {
        ["Name"] = m.Name,
        ["RuntimeStatus"] = m.RuntimeStatus.ToString(),
        ["CreatedAt"] = m.CreatedAt,
        ["LastUpdatedAt"] = m.LastUpdatedAt,
        ["CompletedAt"] = m.CompletedAt,
        ["ScheduledStartAt"] = m.ScheduledStartAt,
        ["ExecutionId"] = m.ExecutionId,
        ["ParentInstanceId"] = m.ParentInstanceId,
        ["Partition"] = hub.PartitionOf(m.InstanceId),
        ["Input"] = await payloads.OffloadAsync(m.InstanceId, $"instance/{m.ExecutionId}/input", m.SerializedInput, cancellationToken),
        ["Output"] = await payloads.OffloadAsync(m.InstanceId, $"instance/{m.ExecutionId}/output", m.SerializedOutput, cancellationToken),
        ["CustomStatus"] = await payloads.OffloadAsync(m.InstanceId, $"instance/{m.ExecutionId}/status", m.SerializedCustomStatus, cancellationToken),
        ["FailureDetails"] = m.FailureDetails is null ? null : JsonSerializer.Serialize(m.FailureDetails, DurableJson.Options),
    };

    private async Task<OrchestrationMetadata> ReadAsync(TableEntity row, bool withPayloads, CancellationToken cancellationToken) =>
        new(row.GetString("Name") ?? "", row.PartitionKey)
        {
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("RuntimeStatus") ?? "Pending"),
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
            LastUpdatedAt = row.GetDateTimeOffset("LastUpdatedAt") ?? default,
            CompletedAt = row.GetDateTimeOffset("CompletedAt"),
            ScheduledStartAt = row.GetDateTimeOffset("ScheduledStartAt"),
            ExecutionId = row.GetString("ExecutionId") ?? "",
            ParentInstanceId = row.GetString("ParentInstanceId"),
            SerializedInput = withPayloads ? await payloads.ResolveAsync(row.GetString("Input"), cancellationToken) : null,
            SerializedOutput = withPayloads ? await payloads.ResolveAsync(row.GetString("Output"), cancellationToken) : null,
            SerializedCustomStatus = await payloads.ResolveAsync(row.GetString("CustomStatus"), cancellationToken),
            FailureDetails = row.GetString("FailureDetails") is { } f ? JsonSerializer.Deserialize<TaskFailureDetails>(f, DurableJson.Options) : null,
        };
}
