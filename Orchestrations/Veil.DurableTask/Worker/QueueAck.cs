using Azure;
using Azure.Storage.Queues;

namespace Veil.DurableTask.Worker;

/// <summary>
/// A received queue message that carried one or more task messages: it is deleted once every one of them has been
/// recorded in history (or found to be a duplicate). Until then it stays invisible, and reappears if the worker dies.
/// </summary>
internal sealed class QueueAck(QueueClient queue, string messageId, string popReceipt, int parts)
{
    private int remaining = parts;

    public async Task DoneAsync()
    {
        if (Interlocked.Decrement(ref remaining) != 0)
        {
            return;
        }

        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Redelivered meanwhile (visibility lapsed): the other copy is a duplicate its receiver drops.
        }
    }
}
