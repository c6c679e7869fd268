namespace Veil.Storage.Queues;

/// <summary>
/// Thrown by a handler for a message that can never succeed (unreadable, missing fields, unknown kind): the trigger
/// parks it at once with this message as the reason, instead of retrying.
/// </summary>
public sealed class PoisonMessageException : Exception
{
    public PoisonMessageException(string reason)
        : base(reason)
    {
    }

    public PoisonMessageException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public PoisonMessageException()
        : base("The message cannot be handled.")
    {
    }
}
