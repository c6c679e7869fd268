namespace Veil.DurableTask;

/// <summary>Which instances to list: every filter given must hold.</summary>
public sealed record OrchestrationQuery
{
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Exact orchestrator name.</summary>
    public string? Name { get; init; }

    public string? InstanceIdPrefix { get; init; }

    /// <summary>1-1000. Default 100.</summary>
    public int PageSize { get; init; } = 100;

    public bool FetchInputsAndOutputs { get; init; }

    public string? ContinuationToken { get; init; }
}

/// <summary>A page of instances and the token for the next page (null on the last).</summary>
public sealed record OrchestrationQueryResult(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);

/// <summary>What a purge removed.</summary>
public sealed record PurgeResult(int PurgedInstanceCount, int PurgedHistoryEventCount, int PurgedBlobCount);
