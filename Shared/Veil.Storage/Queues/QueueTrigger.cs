using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Veil.Storage.Queues;

/// <summary>
/// Runs a handler for every message on one queue, the way an Azure Functions queue trigger does, with the parts
/// Functions leaves out made explicit: at most <see cref="QueueTriggerOptions.MaxConcurrency"/> handlers at once;
/// a message's invisibility is renewed while its handler runs, so a long command is never handed to a second
/// worker; a message is deleted only after its handler succeeded; a failing message is retried with a growing
/// delay and parked (kept whole, with the reason) after <see cref="QueueTriggerOptions.MaxDequeueCount"/> tries;
/// a <see cref="PoisonMessageException"/> parks it at once. A message whose handler was interrupted by a crash
/// simply reappears after its visibility timeout: handlers must be idempotent.
/// </summary>
public sealed class QueueTrigger(
    Func<Task<QueueClient>> openQueue,
    string queueName,
    IMessageParking parked,
    QueueTriggerOptions options,
    Func<QueueMessageContext, CancellationToken, Task> handler,
    ILogger logger,
    TimeProvider? timeProvider = null)
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(25);
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>A trigger on a queue of <paramref name="storage"/>, created if it does not exist, parking in <paramref name="parked"/>.</summary>
    public QueueTrigger(StorageAccount storage, ParkedMessageStore parked, string queueName, QueueTriggerOptions options, Func<QueueMessageContext, CancellationToken, Task> handler, ILogger logger, TimeProvider? timeProvider = null)
        : this(() => storage.QueueAsync(queueName), queueName, parked, options, handler, logger, timeProvider)
    {
    }

    /// <summary>Consumes the queue until <paramref name="stoppingToken"/> is cancelled, then drains running handlers.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var queue = await openQueue();
        using var slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        using var handlersStop = new CancellationTokenSource();
        var running = new HashSet<Task>();
        var idle = MinPollingInterval;
        Logs.TriggerStarted(logger, queueName, options.MaxConcurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < Math.Min(32, options.MaxConcurrency) && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                QueueMessage[] messages;
                try
                {
                    messages = (await queue.ReceiveMessagesAsync(free, options.VisibilityTimeout, stoppingToken)).Value;
                }
                catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
                {
                    slots.Release(free);
                    Logs.ReceiveFailed(logger, queueName, e.Message);
                    await Task.Delay(options.MaxPollingInterval, time, stoppingToken);
                    continue;
                }

                if (free > messages.Length)
                {
                    slots.Release(free - messages.Length);
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(idle, time, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = MinPollingInterval;
                foreach (var message in messages)
                {
                    var task = HandleAsync(queue, message, handlersStop.Token);
                    lock (running)
                    {
                        running.Add(task);
                    }

                    _ = task.ContinueWith(
                        t =>
                        {
                            lock (running)
                            {
                                running.Remove(t);
                            }

                            slots.Release();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        Task[] left;
        lock (running)
        {
            left = [.. running];
        }

        Logs.TriggerStopping(logger, queueName, left.Length);
        var drained = Task.WhenAll(left);
        if (await Task.WhenAny(drained, Task.Delay(options.ShutdownTimeout, time, CancellationToken.None)) != drained)
        {
            await handlersStop.CancelAsync();
        }

        await drained.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task HandleAsync(QueueClient queue, QueueMessage message, CancellationToken handlersStop)
    {
        await Task.Yield();
        var context = new QueueMessageContext(queueName, message.MessageId, message.Body?.ToString() ?? "", message.DequeueCount, message.InsertedOn);
        using var lease = new MessageLease(queue, message, options.VisibilityTimeout, time, logger);
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                // Earlier tries ended without a verdict (the process died while handling it).
                await ParkAsync(lease, context, $"Tried {message.DequeueCount - 1} times without finishing (the worker stopped while handling it each time).");
                return;
            }

            lease.StartRenewing();
            try
            {
                await handler(context, handlersStop);
            }
            finally
            {
                await lease.StopRenewingAsync();
            }

            await lease.DeleteAsync();
        }
        catch (PoisonMessageException e)
        {
            await ParkAsync(lease, context, e.Message);
        }
        catch (OperationCanceledException) when (handlersStop.IsCancellationRequested)
        {
            // Shut down mid-handler: the message stays invisible and reappears for the next worker.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await ParkAsync(lease, context, $"Failed {message.DequeueCount} times; last error: {e.GetType().Name}: {e.Message}");
            }
            else
            {
                Logs.HandlerFailed(logger, e, queueName, message.MessageId, message.DequeueCount);
                await lease.ReleaseAsync(options.RetryDelay * message.DequeueCount);
            }
        }
    }

    private async Task ParkAsync(MessageLease lease, QueueMessageContext context, string reason)
    {
        try
        {
            // Keep first, delete second: a crash between the two parks the message twice rather than losing it.
            var id = await parked.ParkAsync(context, reason, CancellationToken.None);
            await lease.DeleteAsync();
            Logs.MessageParked(logger, queueName, context.MessageId, id, reason);
        }
        catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
        {
            Logs.ParkFailed(logger, queueName, context.MessageId, e.Message);
        }
    }
}
