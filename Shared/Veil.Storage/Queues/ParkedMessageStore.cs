using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Veil.Shared.Api;

namespace Veil.Storage.Queues;

/// <summary>
/// Where poison messages go: one blob per message in the <c>veil-parked</c> container, so a message of any size is
/// kept whole with its reason. Operators list, inspect, replay (back onto its queue) or discard them.
/// </summary>
public sealed class ParkedMessageStore(StorageAccount storage) : IMessageParking
{
    public const string ContainerName = "veil-parked";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ParkedMessage> ParkAsync(QueueMessageContext message, string reason, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var id = $"{message.Queue}/{now.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}-{message.MessageId}";
        var parked = new ParkedMessage(id, message.Queue, message.MessageId, message.Text, reason, message.DequeueCount, message.InsertedOn, now);
        var container = await storage.ContainerAsync(ContainerName);
        await container.GetBlobClient(id).UploadAsync(BinaryData.FromObjectAsJson(parked, Json), overwrite: true, cancellationToken);
        return parked;
    }

    async Task<string> IMessageParking.ParkAsync(QueueMessageContext message, string reason, CancellationToken cancellationToken) =>
        (await ParkAsync(message, reason, null, cancellationToken)).Id;

    /// <summary>
    /// Parks a message just received from <paramref name="queue"/> and then deletes it from the queue: keep first,
    /// delete second, so a crash in between parks it twice rather than losing it.
    /// </summary>
    public async Task<ParkedMessage> ParkAndDeleteAsync(QueueClient queue, QueueMessage message, string reason, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(message);
        var context = new QueueMessageContext(queue.Name, message.MessageId, message.Body?.ToString() ?? "", message.DequeueCount, message.InsertedOn);
        var parked = await ParkAsync(context, reason, time, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        return parked;
    }

    /// <summary>Parked messages, oldest first; <paramref name="queue"/> narrows to one queue.</summary>
    public async Task<IReadOnlyList<ParkedMessage>> ListAsync(string? queue = null, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName);
        var result = new List<ParkedMessage>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, queue is null ? null : queue + "/", cancellationToken))
        {
            if (await GetAsync(item.Name, cancellationToken) is { } parked)
            {
                result.Add(parked);
            }
        }

        return result;
    }

    public async Task<ParkedMessage?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName);
        try
        {
            var content = await container.GetBlobClient(id).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<ParkedMessage>(Json);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Puts the message back on its queue unchanged, then forgets it. False when there is no such parked message.</summary>
    public async Task<bool> ReplayAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } parked)
        {
            return false;
        }

        var queue = await storage.QueueAsync(parked.Queue);
        await queue.SendMessageAsync(parked.Body, cancellationToken);
        await DiscardAsync(id, cancellationToken);
        return true;
    }

    /// <summary>Deletes a parked message for good. False when there is no such parked message.</summary>
    public async Task<bool> DiscardAsync(string id, CancellationToken cancellationToken = default)
    {
        var container = await storage.ContainerAsync(ContainerName);
        var response = await container.GetBlobClient(id).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return response.Value;
    }
}
