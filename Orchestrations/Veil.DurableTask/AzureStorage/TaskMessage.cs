namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// An event on its way to an instance. <see cref="Id"/> is unique and stable across re-sends (derived from the
/// sender's instance, execution and event id), so the receiver drops a duplicate it has already recorded.
/// </summary>
internal sealed record TaskMessage(string Id, string InstanceId, string? ExecutionId, HistoryEvent Event);

/// <summary>What a queue message carries: several task messages for one partition, or a blob holding them.</summary>
internal sealed record MessageBatch(IReadOnlyList<TaskMessage>? Messages, string? Blob = null);
