namespace Veil.Storage;

/// <summary>
/// Storage was away (unreachable, restarting, throttling) when a step needed it: the step did not answer, and may be
/// tried again. Thrown where a failure crosses a process boundary as a type name (a durable activity's failure), so
/// the other side need not classify exceptions it only knows by name.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
