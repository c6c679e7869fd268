using Microsoft.DurableTask;

namespace Veil.TaskHub.Authoring;

/// <summary>
/// What the Azure Storage backend does not promise and an orchestration that races an event against a timer needs.
/// The backend sends what an episode scheduled before it commits that episode's history
/// (<c>AzureStorageOrchestrationService.CompleteTaskOrchestrationWorkItemAsync</c>). When the commit is lost (the
/// process dies, storage goes away, another worker takes the partition), the activities it scheduled still run, and
/// the episode is run again with the messages there are by then, which can end the race the other way: a timeout
/// acted on in the lost episode, an answer in the one that counts. <see cref="CheckpointAsync"/> after the race
/// makes what follows depend on committed history only. The backend holds an activity's completion until the
/// history holds the activity's scheduling; the lost episode and its rerun both scheduled this same do-nothing
/// activity at the same place, so whichever completion is delivered, the orchestration goes on from the rerun's
/// history, and whatever the lost episode would have done next is never scheduled.
/// </summary>
public static class Checkpoints
{
    /// <summary>The activity that does nothing; registered with every worker (<see cref="TaskHubExtensions.AddTaskHubWorker"/>).</summary>
    public const string ActivityName = "Checkpoint";

    /// <summary>
    /// Returns once the history up to here is committed: call it after a race, before acting on its winner. Its
    /// result is not read, so whatever a lost episode left at this place (a completion, a timer that fired) ends it
    /// as well as its own.
    /// </summary>
    public static Task CheckpointAsync(this TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.CallActivityAsync(ActivityName);
    }

    internal static void Register(DurableTaskRegistry registry) => registry.AddActivityFunc<bool>(ActivityName, _ => true);
}
