namespace Veil.DurableTask;

/// <summary>An instance with that id exists and has not finished; schedule with another id or wait.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    public OrchestrationAlreadyExistsException(string instanceId)
        : base($"An orchestration instance with id '{instanceId}' already exists and is not completed, failed or terminated.") => InstanceId = instanceId;

    public OrchestrationAlreadyExistsException()
        : this("")
    {
    }

    public OrchestrationAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException) => InstanceId = "";

    public string InstanceId { get; }
}
