using Veil.DurableTask.AzureStorage;

namespace Veil.DurableTask.Worker;

/// <summary>A message waiting for its instance's next episode, with what to do once it is recorded.</summary>
internal sealed record Inbound(TaskMessage Message, QueueAck? Ack);
