using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Veil.Shared.Api;
using Veil.Shared.Catalog;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.KeyPairs;

/// <summary>
/// Users' key pairs (table <c>VeilKeyPairs</c>: partition = the user, base64url of their subject, which may hold
/// characters a table key may not; row = the key pair's name). As in nova, a key pair is its user's own.
/// </summary>
public sealed class KeyPairStore(StorageAccount storage)
{
    public const string TableName = "VeilKeyPairs";

    /// <summary>Adds the key pair; false when the user already has one of that name.</summary>
    public async Task<bool> AddAsync(string userId, KeyPair keyPair, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        var table = await storage.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition(userId), keyPair.Name) { ["Record"] = JsonSerializer.Serialize(keyPair, VeilJson.Options) }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<KeyPair?> GetAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        if (!CatalogNames.IsValid(name))
        {
            return null;
        }

        var table = await storage.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(userId), name, cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    public async Task<IReadOnlyList<KeyPair>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var partition = Partition(userId);
        var result = new List<KeyPair>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            result.Add(Read(row));
        }

        return result;
    }

    /// <summary>Deletes the key pair; false when there was none. Servers launched with it keep the key they were given.</summary>
    public async Task<bool> DeleteAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        if (!CatalogNames.IsValid(name))
        {
            return false;
        }

        var table = await storage.TableAsync(TableName);
        // The Tables client answers a delete of a missing row with its 404 rather than an exception.
        var response = await table.DeleteEntityAsync(Partition(userId), name, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private static KeyPair Read(TableEntity row) => JsonSerializer.Deserialize<KeyPair>(row.GetString("Record")!, VeilJson.Options)!;

    private static string Partition(string userId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(userId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
