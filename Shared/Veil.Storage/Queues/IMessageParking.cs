namespace Veil.Storage.Queues;

/// <summary>Where a queue trigger keeps a message it cannot handle, whole, with the reason.</summary>
public interface IMessageParking
{
    /// <summary>Keeps <paramref name="message"/> with <paramref name="reason"/>; the answer names where, for the log.</summary>
    Task<string> ParkAsync(QueueMessageContext message, string reason, CancellationToken cancellationToken);
}
