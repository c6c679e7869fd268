namespace Veil.DurableTask.Worker;

/// <summary>An activity to run: the TaskScheduled event and, when it came from the work-item queue, its message.</summary>
internal sealed record ActivityWork(string InstanceId, string ExecutionId, HistoryEvent Scheduled, QueueAck? Ack);
