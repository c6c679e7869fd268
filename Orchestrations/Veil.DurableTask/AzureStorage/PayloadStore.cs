namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// Values too large for a table property or a queue message live as blobs under <c>&lt;instance&gt;/</c> in the
/// large-messages container; the row or message keeps <c>blob:&lt;name&gt;</c> in their place.
/// </summary>
internal sealed class PayloadStore(TaskHub hub)
{
    /// <summary>Table string properties hold 32K UTF-16 characters; stay well under.</summary>
    public const int MaxInlineChars = 30_000;
    private const string Prefix = "blob:";

    public async Task<string?> OffloadAsync(string instanceId, string key, string? value, CancellationToken cancellationToken = default)
    {
        if (value is null || value.Length <= MaxInlineChars)
        {
            return value;
        }

        var name = $"{Escape(instanceId)}/{key}";
        var container = await hub.LargeMessagesAsync();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(value), overwrite: true, cancellationToken);
        return Prefix + name;
    }

    public async Task<string?> ResolveAsync(string? value, CancellationToken cancellationToken = default)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return value;
        }

        var container = await hub.LargeMessagesAsync();
        var content = await container.GetBlobClient(value[Prefix.Length..]).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToString();
    }

    /// <summary>Deletes every blob of an instance. Returns how many.</summary>
    public async Task<int> DeleteAllAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var container = await hub.LargeMessagesAsync();
        var count = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Escape(instanceId) + "/", cancellationToken))
        {
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            count++;
        }

        return count;
    }

    /// <summary>Instance ids are free text; blob names must not gain path segments from them.</summary>
    private static string Escape(string instanceId) => Uri.EscapeDataString(instanceId);
}
