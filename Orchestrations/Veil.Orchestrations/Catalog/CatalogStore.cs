using Veil.Shared.Api;
using Veil.Shared.Catalog;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Catalog;

/// <summary>Flavors and images (table <c>VeilCatalog</c>: partition <c>flavor</c> or <c>image</c>, row = name or id).</summary>
public sealed class CatalogStore(StorageAccount storage)
{
    public const string TableName = "VeilCatalog";

    /// <summary>Adds a flavor; false when one with that name exists.</summary>
    public Task<bool> AddFlavorAsync(Flavor flavor, CancellationToken cancellationToken = default) => AddAsync("flavor", flavor?.Name!, flavor, cancellationToken);

    public Task<Flavor?> GetFlavorAsync(string name, CancellationToken cancellationToken = default) => GetAsync<Flavor>("flavor", name, cancellationToken);

    public Task<IReadOnlyList<Flavor>> ListFlavorsAsync(CancellationToken cancellationToken = default) => ListAsync<Flavor>("flavor", cancellationToken);

    public async Task SaveFlavorAsync(Flavor flavor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        var table = await storage.TableAsync(TableName);
        await table.UpsertEntityAsync(Row("flavor", flavor.Name, flavor), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Deletes a flavor if <paramref name="refusal"/> has nothing against it as it is stored, deleting exactly the
    /// version it judged (its ETag). Null when there is no such flavor; otherwise the refusal, or null when deleted.
    /// </summary>
    public async Task<(bool Found, string? Refusal)> DeleteFlavorAsync(string name, Func<Flavor, string?> refusal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var table = await storage.TableAsync(TableName);
        for (var attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>("flavor", name, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return (false, null);
            }

            if (refusal(JsonSerializer.Deserialize<Flavor>(row.Value!.GetString("Record")!, VeilJson.Options)!) is { } refused)
            {
                return (true, refused);
            }

            try
            {
                await table.DeleteEntityAsync(row.Value, row.Value.ETag, cancellationToken);
                return (true, null);
            }
            catch (Azure.RequestFailedException e) when (e.Status is 412 or 404 && attempt < 5)
            {
                // Decided or withdrawn meanwhile: judge it again as it is now.
            }
        }
    }

    public Task<bool> AddImageAsync(Image image, CancellationToken cancellationToken = default) => AddAsync("image", image?.Id!, image, cancellationToken);

    public Task<Image?> GetImageAsync(string id, CancellationToken cancellationToken = default) => GetAsync<Image>("image", id, cancellationToken);

    public Task<IReadOnlyList<Image>> ListImagesAsync(CancellationToken cancellationToken = default) => ListAsync<Image>("image", cancellationToken);

    /// <summary>
    /// Gives the image <paramref name="file"/> as its <paramref name="part"/>, unless it has one already: a part is set
    /// once, as glance's image data is. Conditional on the row's ETag, so two parts uploaded at once both land.
    /// </summary>
    public async Task<(Image? Image, bool PartTaken)> AttachImageFileAsync(string id, string part, Veil.Shared.Guests.ImageFile file, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        while (true)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>("image", id, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return (null, false);
            }

            var image = JsonSerializer.Deserialize<Image>(row.Value!.GetString("Record")!, VeilJson.Options)!;
            if (image.Files?.Of(part) is not null)
            {
                return (image, true);
            }

            var updated = image with { Files = (image.Files ?? new Veil.Shared.Guests.GuestImage()).With(part, file) };
            try
            {
                await table.UpdateEntityAsync(Row("image", id, updated), row.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return (updated, false);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another part landed in between: read again and add this one beside it.
            }
        }
    }

    private static TableEntity Row<T>(string kind, string key, T value) => new(kind, key) { ["Record"] = JsonSerializer.Serialize(value, VeilJson.Options) };

    private async Task<bool> AddAsync<T>(string kind, string key, T value, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(Row(kind, key, value), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private async Task<T?> GetAsync<T>(string kind, string key, CancellationToken cancellationToken)
        where T : class
    {
        if (!CatalogNames.IsValid(key))
        {
            return null;
        }

        var table = await storage.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(kind, key, cancellationToken: cancellationToken);
        return row.HasValue ? JsonSerializer.Deserialize<T>(row.Value!.GetString("Record")!, VeilJson.Options) : null;
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(string kind, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableName);
        var result = new List<T>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == kind, cancellationToken: cancellationToken))
        {
            result.Add(JsonSerializer.Deserialize<T>(row.GetString("Record")!, VeilJson.Options)!);
        }

        return result;
    }
}
