using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Veil.Shared.Hosts;
using Veil.Storage;

namespace Veil.Orchestrations.Claims;

/// <summary>
/// Veil's ledger of ASID slots (table <c>VeilAsidClaims</c>: partition = provider, row = slot number). A claim is a
/// conditional insert of the slot's row, so two claims can never hold one slot, whatever the concurrency: the loser
/// gets 409 and tries the next free slot. Claims are idempotent per server (a retried claim returns the slot the
/// server already holds). The kernel still picks the hardware ASID; this ledger is what operators and placement see.
/// </summary>
public sealed class AsidLedger(StorageAccount storage, TimeProvider time)
{
    public const string TableName = "VeilAsidClaims";

    /// <summary>The slot this server holds on the provider, a newly claimed one, or null when every slot is taken.</summary>
    public async Task<AsidClaim?> ClaimAsync(string hostName, string providerName, AsidRange range, Guid serverId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var table = await storage.TableAsync(TableName);
        var taken = new HashSet<int>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == providerName, cancellationToken: cancellationToken))
        {
            var slot = int.Parse(row.RowKey, CultureInfo.InvariantCulture);
            if (row.GetString("ServerId") == serverId.ToString())
            {
                return new AsidClaim(hostName, providerName, slot, serverId);
            }

            taken.Add(slot);
        }

        for (var slot = range.First; slot <= range.Last; slot++)
        {
            if (taken.Contains(slot))
            {
                continue;
            }

            try
            {
                await table.AddEntityAsync(
                    new TableEntity(providerName, slot.ToString("D5", CultureInfo.InvariantCulture))
                    {
                        ["ServerId"] = serverId.ToString(),
                        ["HostName"] = hostName,
                        ["ClaimedAt"] = time.GetUtcNow(),
                    },
                    cancellationToken);
                return new AsidClaim(hostName, providerName, slot, serverId);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Someone claimed it between our read and our insert: try the next one.
            }
        }

        return null;
    }

    /// <summary>Frees every slot the server holds on the provider. Returns how many.</summary>
    public Task<int> ReleaseAsync(string providerName, Guid serverId, CancellationToken cancellationToken = default) =>
        ReleaseWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {providerName} and ServerId eq {serverId.ToString()}"), cancellationToken);

    /// <summary>Frees every slot the server holds, on any provider. Returns how many.</summary>
    public Task<int> ReleaseServerAsync(Guid serverId, CancellationToken cancellationToken = default) =>
        ReleaseWhereAsync(TableClient.CreateQueryFilter($"ServerId eq {serverId.ToString()}"), cancellationToken);

    private async Task<int> ReleaseWhereAsync(string filter, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableName);
        var released = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            released += await ReleaseRowAsync(table, row, cancellationToken) ? 1 : 0;
        }

        return released;
    }

    /// <summary>
    /// Deletes the claim row as it was read, and only then: if the slot was freed and claimed again by another
    /// server since (a newer row, another ETag), or is already gone, nothing is deleted and the answer is false.
    /// </summary>
    internal static async Task<bool> ReleaseRowAsync(TableClient table, TableEntity row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Every claim, for placement's counts, the hosts page and the reconciler.</summary>
    public async Task<IReadOnlyList<AsidClaim>> ListAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var claims = new List<AsidClaim>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            claims.Add(new AsidClaim(
                row.GetString("HostName") ?? "",
                row.PartitionKey,
                int.Parse(row.RowKey, CultureInfo.InvariantCulture),
                Guid.TryParse(row.GetString("ServerId"), out var server) ? server : Guid.Empty)
            {
                ClaimedAt = row.GetDateTimeOffset("ClaimedAt"),
            });
        }

        return claims;
    }
}
