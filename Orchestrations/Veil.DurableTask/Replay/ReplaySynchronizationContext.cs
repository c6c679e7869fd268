namespace Veil.DurableTask.Replay;

/// <summary>
/// Runs an orchestrator's continuations one after another on the replaying thread, in the order they were posted,
/// so a replay makes the same decisions in the same order every time.
/// </summary>
internal sealed class ReplaySynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> work = new();

    public override void Post(SendOrPostCallback d, object? state) => work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    public void Drain()
    {
        while (work.TryDequeue(out var item))
        {
            item.Callback(item.State);
        }
    }
}
