using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Veil.Storage.Queues;

/// <summary>
/// A received message's hold on the queue: its pop receipt, renewed at half the visibility timeout while the handler
/// runs. Every update changes the receipt, so renewal, delete and release go through one lock.
/// </summary>
internal sealed class MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private string receipt = message.PopReceipt;
    private Task renewal = Task.CompletedTask;

    public void StartRenewing() => renewal = RenewAsync();

    public async Task StopRenewingAsync()
    {
        await stop.CancelAsync();
        await renewal;
    }

    public Task DeleteAsync() => UnderGate(() => queue.DeleteMessageAsync(message.MessageId, receipt));

    /// <summary>Makes the message visible again after <paramref name="delay"/>, for a later retry.</summary>
    public Task ReleaseAsync(TimeSpan delay) => UnderGate(async () =>
    {
        await queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: delay);
    });

    public void Dispose()
    {
        gate.Dispose();
        stop.Dispose();
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(visibility / 2, time, stop.Token);
                await gate.WaitAsync(stop.Token);
                try
                {
                    var updated = await queue.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: visibility, cancellationToken: stop.Token);
                    receipt = updated.Value.PopReceipt;
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
        {
            // The message was taken by another worker (its visibility lapsed); our handler's result still stands,
            // but the delete will fail and the other worker's idempotent run decides.
            Logs.RenewalFailed(logger, queue.Name, message.MessageId, e.Message);
        }
    }

    private async Task UnderGate(Func<Task> action)
    {
        await gate.WaitAsync();
        try
        {
            await action();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already: deleted by a duplicate run, or our receipt went stale after a lapse.
            Logs.MessageGone(logger, queue.Name, message.MessageId);
        }
        finally
        {
            gate.Release();
        }
    }
}
