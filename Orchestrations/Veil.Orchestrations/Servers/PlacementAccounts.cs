using Azure;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;
using Veil.Storage;

namespace Veil.Orchestrations.Servers;

/// <summary>
/// Each server's placement account, one blob per server (<c>veil-placement/&lt;server id&gt;.json</c>): it names every
/// host of the fleet, so it lives beside the server's record, which keeps only the sentence.
/// </summary>
public sealed class PlacementAccounts(StorageAccount storage)
{
    public const string Container = "veil-placement";

    public async Task SaveAsync(Guid serverId, PlacementAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var container = await storage.ContainerAsync(Container);
        await container.GetBlobClient(Blob(serverId)).UploadAsync(BinaryData.FromObjectAsJson(account, VeilJson.Options), overwrite: true, cancellationToken);
    }

    /// <summary>The server's account; null when its boot has not placed it (or it was recorded before Veil kept them).</summary>
    public async Task<PlacementAccount?> GetAsync(Guid serverId, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(Container);
        try
        {
            return (await container.GetBlobClient(Blob(serverId)).DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<PlacementAccount>(VeilJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static string Blob(Guid serverId) => $"{serverId:D}.json";
}
