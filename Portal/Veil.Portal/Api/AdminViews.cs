using Veil.Shared.Contracts;

namespace Veil.Portal.Api;

/// <summary>A host as the API lists it for admins.</summary>
public sealed record HostView(string Name, HostReport Report, DateTimeOffset LastHeartbeat, bool Stale, IReadOnlyList<PoolUsage> Pools);

/// <summary>One resource provider's ASID slots.</summary>
public sealed record PoolUsage(string Provider, string Model, int Capacity, int Claimed, IReadOnlyList<int> ClaimedSlots)
{
    /// <summary>Slots still free.</summary>
    public int Free => Math.Max(0, Capacity - Claimed);
}

/// <summary>A failure as the engine records it.</summary>
public sealed record FailureView(string ErrorType, string ErrorMessage, string? StackTrace = null, FailureView? InnerFailure = null)
{
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>An orchestration instance (status names are the API's kebab-case words).</summary>
public sealed record InstanceView(string Name, string InstanceId)
{
    public string RuntimeStatus { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? ParentInstanceId { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public FailureView? FailureDetails { get; init; }
}

/// <summary>A page of instances, and the token for the next one (null: last page).</summary>
public sealed record InstancePage(IReadOnlyList<InstanceView> Instances, string? ContinuationToken);

/// <summary>What the orchestration list is filtered by.</summary>
public sealed record InstanceFilter
{
    public IReadOnlyCollection<string> Statuses { get; init; } = [];

    public string? Name { get; init; }

    public string? IdPrefix { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public int PageSize { get; init; } = 25;
}

/// <summary>One event of an instance's history.</summary>
public sealed record HistoryEventView
{
    public string Type { get; init; } = "";

    public int EventId { get; init; } = -1;

    public DateTime Timestamp { get; init; }

    public string? Name { get; init; }

    public string? Data { get; init; }

    public FailureView? Failure { get; init; }

    public int? ScheduledId { get; init; }

    public DateTime? FireAt { get; init; }

    public string? InstanceId { get; init; }

    public string? Reason { get; init; }

    public string? Status { get; init; }

    public int? Attempt { get; init; }
}

/// <summary>A queue message parked because it could not be handled.</summary>
public sealed record ParkedView(string Id, string Queue, string MessageId, string Body, string Reason, long DequeueCount, DateTimeOffset? InsertedOn, DateTimeOffset ParkedAt);

/// <summary>One orchestration that acted on a server (boot, delete), with its history: the server's action log.</summary>
public sealed record ServerActionView(string InstanceId, string Name, string RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, FailureView? FailureDetails, IReadOnlyList<HistoryEventView> History);

/// <summary>One warning or error the durable engine logged.</summary>
public sealed record EngineWarningView(DateTimeOffset At, string Category, string Level, string Event, string? InstanceId, string Message);

/// <summary>The durable engine's warnings in the API process that answered: counts by event, and the latest.</summary>
public sealed record EngineWarningsView(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<EngineWarningView> Recent)
{
    /// <summary>Warnings about messages the engine could not process and will keep retrying.</summary>
    public long Retried => Counts.GetValueOrDefault("AbandoningMessage");

    /// <summary>Messages that have failed so often that they sit at the engine's ten-minute back-off.</summary>
    public long Poison => Counts.GetValueOrDefault("PoisonMessageDetected");

    public long Total => Counts.Values.Sum();
}
