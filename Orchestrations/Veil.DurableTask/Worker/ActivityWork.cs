namespace Veil.DurableTask.Worker;

/// <summary>An activity to run: the TaskScheduled event and, when it came from the work-item queue, its message.</summary>
/// <param name="InstanceId">The instance that scheduled it.</param>
/// <param name="ExecutionId">That instance's execution.</param>
/// <param name="Scheduled">The TaskScheduled event.</param>
/// <param name="Ack">The work-item message to delete once the result is recorded; null for in-process work.</param>
/// <param name="ResultMessageId">The id its result travels under: the same for re-runs of one scheduling (so duplicates
/// are dropped), new after each rewind (so the re-run's result is not mistaken for the failure it replaces).</param>
internal sealed record ActivityWork(string InstanceId, string ExecutionId, HistoryEvent Scheduled, QueueAck? Ack, string ResultMessageId)
{
    public static string ResultId(string instanceId, string executionId, int eventId, int rewinds) =>
        $"{instanceId}|{executionId}|{eventId}|g{rewinds}|result";
}
