using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Veil.TaskHub.Client;

/// <summary>
/// What the SDK's query lacks and DurableTask.AzureStorage 2.11.2 cannot do in storage: a filter by orchestrator
/// name, and counts. Both are composed from <see cref="DurableTaskClient.GetAllInstancesAsync"/>, so they work over
/// any <see cref="DurableTaskClient"/>; the name is matched on each page the service returns, which costs a scan of
/// the instances the other filters leave.
/// </summary>
public static class DurableTaskClientQueries
{
    /// <summary>
    /// One page of instances matching the query and, when given, the orchestrator name, with the token for the next
    /// page (null on the last). Pages filtered by name are filled from further service pages, so a page is short only
    /// at the end.
    /// </summary>
    public static async Task<Page<OrchestrationMetadata>> QueryPageAsync(this DurableTaskClient client, OrchestrationQuery query, string? name = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(query);
        var found = new List<OrchestrationMetadata>();
        var token = query.ContinuationToken;
        do
        {
            var page = await FirstPageAsync(client, query with { ContinuationToken = token, PageSize = query.PageSize - found.Count }, cancellation);
            found.AddRange(page.Values.Where(i => name is not { Length: > 0 } || i.Name == name));
            token = page.ContinuationToken;
        }
        while (token is not null && found.Count < query.PageSize);

        return new Page<OrchestrationMetadata>(found, token);
    }

    /// <summary>How many instances match the query (and name), by status.</summary>
    public static async Task<IReadOnlyDictionary<OrchestrationRuntimeStatus, int>> CountInstancesAsync(this DurableTaskClient client, OrchestrationQuery query, string? name = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(query);
        var counts = new Dictionary<OrchestrationRuntimeStatus, int>();
        await foreach (var instance in client.GetAllInstancesAsync(query with { FetchInputsAndOutputs = false, PageSize = 1000 }).WithCancellation(cancellation))
        {
            if (name is not { Length: > 0 } || instance.Name == name)
            {
                counts[instance.RuntimeStatus] = counts.GetValueOrDefault(instance.RuntimeStatus) + 1;
            }
        }

        return counts;
    }

    private static async Task<Page<OrchestrationMetadata>> FirstPageAsync(DurableTaskClient client, OrchestrationQuery query, CancellationToken cancellation)
    {
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, query.PageSize).WithCancellation(cancellation))
        {
            return page;
        }

        return new Page<OrchestrationMetadata>([], null);
    }
}
