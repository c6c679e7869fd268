namespace Veil.DurableTask.AzureStorage;

/// <summary>
/// In-process wake-ups: a message sent by this process to a queue this process polls is picked up at once instead
/// of at the next poll. One per process and hub, shared by the client and the worker.
/// </summary>
internal sealed class LocalSignals
{
    private readonly Dictionary<int, Action> partitions = [];
    private Action? activities;

    public void OnPartition(int partition, Action wake)
    {
        lock (partitions)
        {
            partitions[partition] = wake;
        }
    }

    public void RemovePartition(int partition)
    {
        lock (partitions)
        {
            partitions.Remove(partition);
        }
    }

    public void OnActivities(Action wake) => activities = wake;

    public void Wake(int partition)
    {
        Action? wake;
        lock (partitions)
        {
            partitions.TryGetValue(partition, out wake);
        }

        wake?.Invoke();
    }

    public void WakeActivities() => activities?.Invoke();
}
