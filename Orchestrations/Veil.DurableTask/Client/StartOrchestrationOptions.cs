namespace Veil.DurableTask;

/// <summary>How to schedule a new instance.</summary>
/// <param name="InstanceId">The id; a new GUID when null. An id whose instance has not finished is refused.</param>
/// <param name="StartAt">Start later (UTC, at most 7 days ahead): the instance stays Pending until then.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);
