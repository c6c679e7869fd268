using System.Globalization;
using Veil.DurableTask.AzureStorage;
using Veil.Storage.Queues;

namespace Veil.DurableTask;

/// <summary>
/// Starts, watches and manages orchestration instances. Safe to use from any process that reaches the storage
/// account; commands travel as messages through the instance's control queue and take effect at its next episode.
/// </summary>
public sealed class DurableTaskClient
{
    private readonly TaskHub hub;
    private readonly InstanceStore instances;
    private readonly HistoryStore history;
    private readonly MessageSender sender;
    private readonly PayloadStore payloads;
    private readonly ParkedMessageStore parked;
    private readonly TimeProvider time;

    internal DurableTaskClient(TaskHub hub, InstanceStore instances, HistoryStore history, MessageSender sender, PayloadStore payloads, ParkedMessageStore parked, TimeProvider time)
    {
        this.hub = hub;
        this.instances = instances;
        this.history = history;
        this.sender = sender;
        this.payloads = payloads;
        this.parked = parked;
        this.time = time;
    }

    /// <summary>
    /// Schedules a new instance and returns its id. Refuses (<see cref="OrchestrationAlreadyExistsException"/>) an id
    /// that is still in use. Scheduling writes the instance row, then sends the start message; a scheduler that died
    /// between the two left a Pending instance nothing would start, so a refused retry for a Pending instance first
    /// sends that start message again (same id: the engine drops it if the first one arrived).
    /// </summary>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        var now = time.GetUtcNow();
        var startAt = options?.StartAt;
        if (startAt is { } at && at - now > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StartAt may be at most 7 days ahead (the queue's longest delay).");
        }

        var existing = await instances.GetAsync(instanceId, withPayloads: false, cancellationToken);
        if (existing is { } found && !found.Metadata.RuntimeStatus.IsTerminal())
        {
            if (found.Metadata.RuntimeStatus == OrchestrationRuntimeStatus.Pending
                && await instances.GetAsync(instanceId, withPayloads: true, cancellationToken) is { } pending)
            {
                await SendStartAsync(pending.Metadata, now, cancellationToken);
            }

            throw new OrchestrationAlreadyExistsException(instanceId);
        }

        var executionId = Guid.NewGuid().ToString("N");
        var serializedInput = DurableJson.Serialize(input);
        var created = new OrchestrationMetadata(orchestratorName, instanceId)
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Pending,
            CreatedAt = now,
            LastUpdatedAt = now,
            ScheduledStartAt = startAt,
            ExecutionId = executionId,
            SerializedInput = serializedInput,
        };
        await instances.CreateAsync(created, existing?.ETag, cancellationToken);
        await SendStartAsync(created, now, cancellationToken);
        return instanceId;
    }

    /// <summary>The start message of a Pending instance: its id is fixed by instance and execution, so a repeat is a duplicate.</summary>
    private Task SendStartAsync(OrchestrationMetadata instance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = new HistoryEvent
        {
            Type = EventType.ExecutionStarted,
            Name = instance.Name,
            Data = instance.SerializedInput,
            ExecutionId = instance.ExecutionId,
            Timestamp = instance.CreatedAt.UtcDateTime,
            FireAt = instance.ScheduledStartAt?.UtcDateTime,
        };

        // Queue visibility counts whole seconds: round up, so the instance never starts early.
        var delay = instance.ScheduledStartAt is { } s && s > now ? TimeSpan.FromSeconds(Math.Ceiling((s - now).TotalSeconds)) : (TimeSpan?)null;
        return sender.SendToInstancesAsync([new TaskMessage($"{instance.InstanceId}|{instance.ExecutionId}|start", instance.InstanceId, instance.ExecutionId, started)], delay, cancellationToken);
    }

    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        (await instances.GetAsync(instanceId, getInputsAndOutputs, cancellationToken))?.Metadata;

    /// <summary>Waits until the instance has started (or ended). Polls with a short, growing interval.</summary>
    public Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, getInputsAndOutputs, cancellationToken);

    /// <summary>Waits until the instance completed, failed or was terminated.</summary>
    public Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, m => m.RuntimeStatus.IsTerminal(), getInputsAndOutputs, cancellationToken);

    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return SendAsync(instanceId, new HistoryEvent { Type = EventType.EventRaised, Name = eventName, Data = DurableJson.Serialize(eventPayload) }, cancellationToken);
    }

    /// <summary>Ends the instance now, whatever it is doing — also while Pending (scheduled for later) or Suspended.</summary>
    public Task TerminateInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { Type = EventType.ExecutionTerminated, Reason = reason ?? "terminated" }, cancellationToken);

    /// <summary>Holds the instance: events and results are recorded but not acted on until it is resumed.</summary>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { Type = EventType.ExecutionSuspended, Reason = reason }, cancellationToken);

    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { Type = EventType.ExecutionResumed, Reason = reason }, cancellationToken);

    /// <summary>
    /// Re-runs a failed instance from where it failed: the failures are undone for replay (history keeps them, followed
    /// by the rewind), so the failed activities and sub-orchestrations run again and the rest is replayed.
    /// </summary>
    public async Task RewindInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var found = await instances.GetAsync(instanceId, withPayloads: true, cancellationToken)
            ?? throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        if (found.Metadata.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            throw new InvalidOperationException($"Only failed instances can be rewound; '{instanceId}' is {found.Metadata.RuntimeStatus}.");
        }

        await SendAsync(instanceId, new HistoryEvent { Type = EventType.ExecutionRewound, Reason = reason ?? "rewound" }, cancellationToken);

        // Until its worker records the rewind, the instance reads Pending rather than still Failed.
        await instances.CreateAsync(found.Metadata with { RuntimeStatus = OrchestrationRuntimeStatus.Pending, LastUpdatedAt = time.GetUtcNow(), CompletedAt = null, FailureDetails = null }, found.ETag, cancellationToken);
    }

    /// <summary>Starts the instance again with its original input: under the same id (it must have finished) or a new one.</summary>
    public async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellationToken = default)
    {
        var found = await instances.GetAsync(instanceId, withPayloads: true, cancellationToken)
            ?? throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        var input = found.Metadata.SerializedInput is { } json ? System.Text.Json.JsonDocument.Parse(json).RootElement : (object?)null;
        return await ScheduleNewOrchestrationInstanceAsync(found.Metadata.Name, input, new StartOrchestrationOptions(restartWithNewInstanceId ? null : instanceId), cancellationToken);
    }

    /// <summary>The instance's history (current execution), oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        (await history.LoadAsync(instanceId, cancellationToken)).Events;

    /// <summary>A page of instances matching the query, newest storage order; pass the result's token for the next page.</summary>
    public async Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000);
        var (page, token) = await instances.QueryAsync(Filter(query), query.PageSize, query.ContinuationToken, query.FetchInputsAndOutputs, cancellationToken);
        return new OrchestrationQueryResult(page, token);
    }

    /// <summary>How many instances match the query, per status.</summary>
    public async Task<IReadOnlyDictionary<OrchestrationRuntimeStatus, int>> CountInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (await instances.ScanAsync(Filter(query), cancellationToken)).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Deletes a finished instance: its row, history and blobs; with <paramref name="recursive"/>, its sub-orchestrations too.</summary>
    public async Task<PurgeResult> PurgeInstanceAsync(string instanceId, bool recursive = false, CancellationToken cancellationToken = default)
    {
        var found = await instances.GetAsync(instanceId, withPayloads: false, cancellationToken);
        if (found is not { } row)
        {
            return new PurgeResult(0, 0, 0);
        }

        if (!row.Metadata.RuntimeStatus.IsTerminal())
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {row.Metadata.RuntimeStatus}; only completed, failed or terminated instances can be purged. Terminate it first.");
        }

        var total = new PurgeResult(0, 0, 0);
        if (recursive)
        {
            foreach (var child in (await history.LoadAsync(instanceId, cancellationToken)).Events.Where(e => e.Type == EventType.SubOrchestrationInstanceCreated && e.InstanceId is not null))
            {
                var purged = await PurgeInstanceAsync(child.InstanceId!, recursive: true, cancellationToken);
                total = Add(total, purged);
            }
        }

        var events = await history.DeleteAsync(instanceId, cancellationToken);
        var blobs = await payloads.DeleteAllAsync(instanceId, cancellationToken);
        var deleted = await instances.DeleteAsync(instanceId, cancellationToken) ? 1 : 0;
        return Add(total, new PurgeResult(deleted, events, blobs));
    }

    /// <summary>Purges every finished instance the query matches (its status filter may only name finished statuses).</summary>
    public async Task<PurgeResult> PurgeInstancesAsync(OrchestrationQuery query, bool recursive = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var total = new PurgeResult(0, 0, 0);
        foreach (var (id, status) in await instances.ScanAsync(Filter(query), cancellationToken))
        {
            if (status.IsTerminal())
            {
                total = Add(total, await PurgeInstanceAsync(id, recursive, cancellationToken));
            }
        }

        return total;
    }

    /// <summary>Messages the engine could not process, kept with their reason (newest storage first).</summary>
    public async Task<IReadOnlyList<ParkedMessage>> GetParkedMessagesAsync(CancellationToken cancellationToken = default) =>
        (await parked.ListAsync(null, cancellationToken)).Where(IsOurs).ToList();

    public Task<bool> ReplayParkedMessageAsync(string parkedId, CancellationToken cancellationToken = default) => parked.ReplayAsync(parkedId, cancellationToken);

    public Task<bool> DiscardParkedMessageAsync(string parkedId, CancellationToken cancellationToken = default) => parked.DiscardAsync(parkedId, cancellationToken);

    private bool IsOurs(ParkedMessage message) =>
        message.Queue == hub.WorkItemQueueName || Enumerable.Range(0, hub.PartitionCount).Any(p => hub.ControlQueueName(p) == message.Queue);

    private static PurgeResult Add(PurgeResult a, PurgeResult b) =>
        new(a.PurgedInstanceCount + b.PurgedInstanceCount, a.PurgedHistoryEventCount + b.PurgedHistoryEventCount, a.PurgedBlobCount + b.PurgedBlobCount);

    private async Task SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellationToken)
    {
        ValidateInstanceId(instanceId);
        var id = $"{instanceId}|client|{Guid.NewGuid():N}";
        await sender.SendToInstancesAsync([new TaskMessage(id, instanceId, null, e with { Timestamp = time.GetUtcNow().UtcDateTime })], cancellationToken: cancellationToken);
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<OrchestrationMetadata, bool> done, bool withPayloads, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if ((await instances.GetAsync(instanceId, withPayloads, cancellationToken))?.Metadata is { } m && done(m))
            {
                return m;
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
        }
    }

    private static void ValidateInstanceId(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        if (instanceId.Length > 256 || instanceId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
        {
            throw new ArgumentException($"Instance id '{instanceId}' is not allowed: use at most 256 characters, none of / \\ # ? or control characters (they are table keys).", nameof(instanceId));
        }
    }

    private static string? Filter(OrchestrationQuery query)
    {
        static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        static string Time(DateTimeOffset t) => $"datetime'{t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)}'";
        var parts = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            parts.Add("(" + string.Join(" or ", statuses.Select(s => $"RuntimeStatus eq {Quote(s.ToString())}")) + ")");
        }

        if (query.CreatedFrom is { } from)
        {
            parts.Add($"CreatedAt ge {Time(from)}");
        }

        if (query.CreatedTo is { } to)
        {
            parts.Add($"CreatedAt le {Time(to)}");
        }

        if (query.Name is { Length: > 0 } name)
        {
            parts.Add($"Name eq {Quote(name)}");
        }

        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            parts.Add($"PartitionKey ge {Quote(prefix)} and PartitionKey lt {Quote(prefix + '\uffff')}");
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }
}
