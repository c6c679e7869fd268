namespace Veil.Storage.Queues;

/// <summary>A received message as its handler sees it.</summary>
/// <param name="Queue">The queue it came from.</param>
/// <param name="MessageId">The storage message id (stable across retries).</param>
/// <param name="Text">The message body.</param>
/// <param name="DequeueCount">1 on the first try.</param>
/// <param name="InsertedOn">When it was first enqueued.</param>
public sealed record QueueMessageContext(string Queue, string MessageId, string Text, long DequeueCount, DateTimeOffset? InsertedOn);
