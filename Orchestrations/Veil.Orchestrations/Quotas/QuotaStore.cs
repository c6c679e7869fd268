using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Veil.Shared.Contracts;
using Veil.Shared.Quotas;
using Veil.Storage;

namespace Veil.Orchestrations.Quotas;

/// <summary>
/// The limits admins set per project (table <c>VeilQuotas</c>: partition <c>project</c>, row = project id, the set as
/// JSON); a project without a row, and any model its row does not name, has the configured defaults.
/// </summary>
public sealed class QuotaStore(StorageAccount storage, IOptions<QuotaOptions> options)
{
    public const string TableName = "VeilQuotas";

    private const string Partition = "project";

    public QuotaSet Defaults => options.Value.Defaults();

    public async Task<QuotaSet> LimitsAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, projectId, cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!).Over(Defaults) : Defaults;
    }

    /// <summary>Replaces a project's limits (already checked by <see cref="QuotaSet.LimitProblems"/>).</summary>
    public async Task SetAsync(string projectId, QuotaSet limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var table = await storage.TableAsync(TableName);
        await table.UpsertEntityAsync(new TableEntity(Partition, projectId) { ["Limits"] = JsonSerializer.Serialize(limits, VeilJson.Options) }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Projects whose limits an admin has set, with them.</summary>
    public async Task<IReadOnlyDictionary<string, QuotaSet>> ListAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var result = new SortedDictionary<string, QuotaSet>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            result[row.RowKey] = Read(row).Over(Defaults);
        }

        return result;
    }

    private static QuotaSet Read(TableEntity row) => JsonSerializer.Deserialize<QuotaSet>(row.GetString("Limits")!, VeilJson.Options)!;
}
