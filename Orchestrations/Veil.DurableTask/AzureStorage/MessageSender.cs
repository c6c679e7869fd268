using System.Text.Json;

namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// Sends task messages: those for one partition travel together in as few queue messages as fit (one receive and
/// one delete for many events), activities go one per message to the work-item queue (so any worker may take
/// each), and a batch too large for a queue message goes to a blob. Partitions this process owns are woken at once.
/// </summary>
internal sealed class MessageSender(TaskHub hub, LocalSignals signals)
{
    /// <summary>Queue messages hold 64 KiB; leave room for the envelope.</summary>
    private const int MaxMessageChars = 45_000;

    public async Task SendToInstancesAsync(IEnumerable<TaskMessage> messages, TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        var sends = new List<Task>();
        foreach (var partition in messages.GroupBy(m => hub.PartitionOf(m.InstanceId)))
        {
            var queue = await hub.ControlQueueAsync(partition.Key);
            foreach (var body in await PackAsync(partition.ToList(), cancellationToken))
            {
                sends.Add(queue.SendMessageAsync(body, visibilityTimeout: delay, cancellationToken: cancellationToken));
            }
        }

        await Task.WhenAll(sends);
        foreach (var partition in messages.Select(m => hub.PartitionOf(m.InstanceId)).Distinct())
        {
            signals.Wake(partition);
        }
    }

    public async Task SendWorkItemsAsync(IEnumerable<TaskMessage> activities, CancellationToken cancellationToken = default)
    {
        var queue = await hub.WorkItemQueueAsync();
        var sends = new List<Task>();
        foreach (var activity in activities)
        {
            foreach (var body in await PackAsync([activity], cancellationToken))
            {
                sends.Add(queue.SendMessageAsync(body, cancellationToken));
            }
        }

        await Task.WhenAll(sends);
        signals.WakeActivities();
    }

    /// <summary>Reads a queue message body back into task messages (fetching the blob if it was offloaded).</summary>
    public async Task<IReadOnlyList<TaskMessage>> UnpackAsync(string body, CancellationToken cancellationToken = default)
    {
        var batch = JsonSerializer.Deserialize<MessageBatch>(body, DurableJson.Options)
            ?? throw new JsonException("The message is JSON null.");
        if (batch.Blob is { } blob)
        {
            var container = await hub.LargeMessagesAsync();
            var content = await container.GetBlobClient(blob).DownloadContentAsync(cancellationToken);
            batch = JsonSerializer.Deserialize<MessageBatch>(content.Value.Content.ToString(), DurableJson.Options)
                ?? throw new JsonException("The offloaded batch is JSON null.");
        }

        var messages = batch.Messages ?? throw new JsonException("The message has no 'messages'.");
        foreach (var m in messages)
        {
            if (m is null || string.IsNullOrEmpty(m.Id) || string.IsNullOrEmpty(m.InstanceId) || m.Event is null)
            {
                throw new JsonException("A task message lacks its id, instanceId or event.");
            }
        }

        return messages;
    }

    private async Task<List<string>> PackAsync(List<TaskMessage> messages, CancellationToken cancellationToken)
    {
        var bodies = new List<string>();
        var current = new List<TaskMessage>();
        var size = 0;
        foreach (var message in messages)
        {
            var length = JsonSerializer.Serialize(message, DurableJson.Options).Length;
            if (current.Count > 0 && size + length > MaxMessageChars)
            {
                bodies.Add(await BodyAsync(current, cancellationToken));
                current = [];
                size = 0;
            }

            current.Add(message);
            size += length;
        }

        if (current.Count > 0)
        {
            bodies.Add(await BodyAsync(current, cancellationToken));
        }

        return bodies;
    }

    private async Task<string> BodyAsync(List<TaskMessage> messages, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new MessageBatch(messages), DurableJson.Options);
        if (body.Length <= MaxMessageChars)
        {
            return body;
        }

        var name = $"messages/{Guid.NewGuid():N}.json";
        var container = await hub.LargeMessagesAsync();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(body), overwrite: true, cancellationToken);
        return JsonSerializer.Serialize(new MessageBatch(null, name), DurableJson.Options);
    }
}
