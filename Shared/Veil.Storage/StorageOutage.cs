namespace Veil.Storage;

/// <summary>Waits out storage outages: what a start-up step does instead of letting an outage take its process down.</summary>
public static class StorageOutage
{
    /// <summary>
    /// Runs <paramref name="action"/> until storage answers it, backing off from half a second to 30 s between tries
    /// and telling <paramref name="waiting"/> each time. Failures that are answers (<see cref="StorageErrors.IsUnavailable"/>
    /// is false) are thrown at once; so is cancellation.
    /// </summary>
    public static async Task WaitOutAsync(Func<CancellationToken, Task> action, Action<TimeSpan, Exception> waiting, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(waiting);
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await action(cancellationToken);
                return;
            }
            catch (Exception e) when (StorageErrors.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                waiting(delay, e);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }
}
