using System.Diagnostics;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Tracing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Veil.TaskHub.Hosting;
using Veil.TaskHub.History;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace Veil.TaskHub.Client;

/// <summary>
/// The SDK's <see cref="DurableTaskClient"/> over DurableTask.AzureStorage's client, query and purge interfaces,
/// with one <see cref="DataConverter"/> end to end (the worker's shims read what this writes). What the service
/// lacks is composed here: restart (read the input, schedule again), recursion for terminate and purge (children
/// are read from the parent's history), full failure details (2.11.2 keeps them only in the history). Purging
/// refuses instances that have not ended; the service would purge a running one.
/// </summary>
public sealed class AzureStorageDurableTaskClient(AzureStorageTaskHub hub, DataConverter converter, TimeProvider time) : DurableTaskClient("azure-storage")
{
    /// <summary>The statuses a schedule refuses by default: an id still in use is not started twice.</summary>
    public static IReadOnlyList<OrchestrationRuntimeStatus> NotEnded { get; } =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    private static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private IOrchestrationServiceClient Service => hub.Service;

    /// <inheritdoc/>
    /// <exception cref="DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException">
    /// An instance with that id exists in one of the dedupe statuses (by default Pending, Running or Suspended).
    /// </exception>
    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        ScheduleAsync(orchestratorName, converter.Serialize(input), options, cancellation);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, converter.Serialize(eventPayload)) { Name = eventName, ParentTraceContext = CurrentTraceContext() });
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason));

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason));

    /// <summary>Ends the instance (and, when asked, every sub-orchestration it started that has not ended).</summary>
    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        InstanceIds.Validate(instanceId);
        if (options?.Recursive == true)
        {
            foreach (var child in await ChildrenAsync(instanceId, cancellation))
            {
                if (await GetInstancesAsync(child, cancellation) is { IsCompleted: false })
                {
                    await TerminateInstanceAsync(child, options, cancellation);
                }
            }
        }

        await Service.ForceTerminateTaskOrchestrationAsync(instanceId, converter.Serialize(options?.Output));
    }

    /// <summary>The instance, or null. With inputs and outputs, a failed instance's failure details come from its history.</summary>
    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        InstanceIds.Validate(instanceId);
        var state = (await hub.Service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs)).FirstOrDefault();
        if (state is null)
        {
            return null;
        }

        var failure = state.FailureDetails;
        if (getInputsAndOutputs && failure is null && state.OrchestrationStatus == OrchestrationStatus.Failed)
        {
            var history = HistoryJson.Parse(await Service.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance?.ExecutionId));
            failure = history.OfType<ExecutionCompletedEvent>().LastOrDefault()?.FailureDetails;
        }

        return Metadata(state, getInputsAndOutputs, failure);
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (string? token, int? pageSize, CancellationToken cancellation) =>
        {
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(ToCore).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = token ?? filter?.ContinuationToken,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await hub.Service.GetOrchestrationWithQueryAsync(query, cancellation);
            var page = result.OrchestrationState.Select(s => Metadata(s, query.FetchInputsAndOutputs, s.FailureDetails)).ToList();
            return new Page<OrchestrationMetadata>(page, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
        });

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, m => m.IsCompleted, getInputsAndOutputs, cancellation);

    /// <summary>Deletes an ended instance's state and history (with its sub-orchestrations' when recursive).</summary>
    /// <exception cref="InvalidOperationException">The instance has not ended: terminate it first.</exception>
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var instance = await GetInstancesAsync(instanceId, cancellation);
        if (instance is null)
        {
            return new PurgeResult(0);
        }

        if (!instance.IsCompleted)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; only completed, failed or terminated instances can be purged. Terminate it first.");
        }

        var purged = 0;
        if (options?.Recursive == true)
        {
            foreach (var child in await ChildrenAsync(instanceId, cancellation))
            {
                purged += (await PurgeInstanceAsync(child, options, cancellation)).PurgedInstanceCount;
            }
        }

        var result = await ((IOrchestrationServicePurgeClient)hub.Service).PurgeInstanceStateAsync(instanceId);
        return new PurgeResult(purged + result.DeletedInstanceCount);
    }

    /// <summary>Purges every ended instance the filter matches. A filter naming a status that has not ended is refused.</summary>
    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses?.ToList() ?? [.. Ended];
        if (statuses.Where(s => !Ended.Contains(s)).Select(s => (OrchestrationRuntimeStatus?)s).FirstOrDefault() is { } notEnded)
        {
            throw new ArgumentException($"Only ended instances can be purged; the filter names {notEnded}.", nameof(filter));
        }

        if (options?.Recursive == true)
        {
            var purged = 0;
            var query = new OrchestrationQuery(filter.CreatedFrom, filter.CreatedTo, statuses);
            await foreach (var instance in GetAllInstancesAsync(query).WithCancellation(cancellation))
            {
                purged += (await PurgeInstanceAsync(instance.InstanceId, options, cancellation)).PurgedInstanceCount;
            }

            return new PurgeResult(purged);
        }

        var result = await ((IOrchestrationServicePurgeClient)hub.Service).PurgeInstanceStateAsync(
            new PurgeInstanceFilter(filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue, filter.CreatedTo?.UtcDateTime, statuses.Select(ToCore)));
        return new PurgeResult(result.DeletedInstanceCount);
    }

    /// <summary>Schedules the instance again with its original input, under its own id (it must have ended) or a new one.</summary>
    public override async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        var instance = await GetInstancesAsync(instanceId, getInputsAndOutputs: true, cancellation)
            ?? throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        if (!restartWithNewInstanceId && !instance.IsCompleted)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; it can be restarted under its own id only once it has ended.");
        }

        var options = new StartOrchestrationOptions(restartWithNewInstanceId ? null : instanceId);
        return await ScheduleAsync(instance.Name, instance.SerializedInput, options, cancellation);
    }

    /// <summary>Re-runs a failed instance from where it failed (DTFx's rewind).</summary>
    /// <exception cref="InvalidOperationException">The instance has not failed.</exception>
    public override async Task RewindInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default)
    {
        var instance = await GetInstancesAsync(instanceId, cancellation)
            ?? throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            throw new InvalidOperationException($"Only failed instances can be rewound; '{instanceId}' is {instance.RuntimeStatus}.");
        }

        await hub.Service.RewindTaskOrchestrationAsync(instanceId, reason ?? "rewound");
    }

    /// <summary>The current execution's history, oldest first; empty when there is no such instance.</summary>
    public override async Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        InstanceIds.Validate(instanceId);
        var state = (await hub.Service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: false)).FirstOrDefault();
        return state is null ? [] : HistoryJson.Parse(await Service.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance?.ExecutionId));
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<string> ScheduleAsync(TaskName name, string? serializedInput, StartOrchestrationOptions? options, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name.Name);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.Validate(instanceId);
        cancellation.ThrowIfCancellationRequested();
        if (options?.StartAt is { } startAt && startAt - time.GetUtcNow() > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StartAt may be at most 7 days ahead (the longest a queue message can be delayed).");
        }

        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new ExecutionStartedEvent(-1, serializedInput)
        {
            Name = name.Name,
            Version = "",
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value),
            ParentTraceContext = CurrentTraceContext(),
        };
        var dedupe = options?.DedupeStatuses is { } named
            ? named.Select(s => Enum.Parse<OrchestrationStatus>(s, ignoreCase: true)).ToArray()
            : NotEnded.Select(ToCore).ToArray();
        await Service.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, dedupe);
        return instanceId;
    }

    /// <summary>
    /// The span scheduling an orchestration or raising its event (an API request, a host event), as TaskHubClient
    /// passes it: DTFx traces an orchestration and its activities only under a parent.
    /// </summary>
    private static DistributedTraceContext? CurrentTraceContext() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } parent } current ? new DistributedTraceContext(parent, current.TraceStateString) : null;

    private Task SendAsync(string instanceId, HistoryEvent e)
    {
        InstanceIds.Validate(instanceId);
        return Service.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = e });
    }

    private async Task<IEnumerable<string>> ChildrenAsync(string instanceId, CancellationToken cancellation) =>
        (await GetOrchestrationHistoryAsync(instanceId, cancellation)).OfType<SubOrchestrationInstanceCreatedEvent>().Select(e => e.InstanceId).Where(id => !string.IsNullOrEmpty(id)).Distinct();

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<OrchestrationMetadata, bool> done, bool withPayloads, CancellationToken cancellation)
    {
        // DTFx's own wait polls every 2 s; a boot's steps take milliseconds, so poll from 10 ms, growing to 500 ms.
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (await GetInstancesAsync(instanceId, withPayloads, cancellation) is { } instance && done(instance))
            {
                return instance;
            }

            await Task.Delay(delay, time, cancellation);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
        }
    }

    private OrchestrationMetadata Metadata(OrchestrationState state, bool withPayloads, FailureDetails? failure) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = converter,
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(state.OrchestrationStatus.ToString()),
            CreatedAt = Utc(state.CreatedTime),
            LastUpdatedAt = Utc(state.LastUpdatedTime),
            SerializedInput = withPayloads ? state.Input : null,
            SerializedOutput = withPayloads && state.OrchestrationStatus != OrchestrationStatus.Failed ? state.Output : null,
            SerializedCustomStatus = withPayloads ? state.Status : null,
            Tags = new Dictionary<string, string>(state.Tags ?? new Dictionary<string, string>()),
            FailureDetails = state.OrchestrationStatus == OrchestrationStatus.Failed ? Failure(failure, state.Output) : null,
        };

    /// <summary>
    /// The failure as the SDK shows it. Where the service kept no details (2.11.2 writes only "Type: message" into the
    /// instance's output), that text is split into type and message.
    /// </summary>
    private static TaskFailureDetails Failure(FailureDetails? details, string? output)
    {
        if (details is not null)
        {
            return Convert(details);
        }

        var text = output ?? "";
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !text[..colon].Contains(' ', StringComparison.Ordinal)
            ? new TaskFailureDetails(text[..colon], text[(colon + 2)..], null, null, null)
            : new TaskFailureDetails("Unknown", text, null, null, null);

        static TaskFailureDetails Convert(FailureDetails d) =>
            new(d.ErrorType, d.ErrorMessage, d.StackTrace, d.InnerFailure is { } inner ? Convert(inner) : null, d.Properties);
    }

    private static OrchestrationStatus ToCore(OrchestrationRuntimeStatus status) => Enum.Parse<OrchestrationStatus>(status.ToString());

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
