using Microsoft.Extensions.Logging;
using Veil.DurableTask.AzureStorage;
using Veil.DurableTask.Replay;

namespace Veil.DurableTask.Worker;

internal sealed partial class PartitionProcessor
{
    private const int MaxContinuationsPerEpisode = 20;

    /// <summary>One episode: replay, decide, then send → append history → update instance → delete messages.</summary>
    private async Task<List<Inbound>> CheckpointAsync(InstanceSlot slot, List<Inbound> batch)
    {
        var current = slot.History!;
        var now = w.Time.GetUtcNow().UtcDateTime;
        var duplicates = batch.Where(b => slot.SeenMessageIds.Contains(b.Message.Id)).ToList();
        var fresh = batch.Except(duplicates).GroupBy(b => b.Message.Id).Select(g => g.First()).ToList();
        var repeatedInBatch = batch.Except(duplicates).Except(fresh).ToList();
        var past = current.Events;
        var executionId = current.ExecutionId;
        var pastStatus = HistoryFacts.Status(past);
        var start = fresh.FirstOrDefault(b => b.Message.Event.Type == EventType.ExecutionStarted && b.Message.ExecutionId != current.ExecutionId);

        if (past.Count == 0 || (pastStatus.IsTerminal() && start is not null))
        {
            if (start is null)
            {
                var terminate = fresh.FirstOrDefault(b => b.Message.Event.Type == EventType.ExecutionTerminated);
                if (terminate is null)
                {
                    // Events for an instance that has not started: keep them until its start message arrives.
                    await AckAsync(duplicates.Concat(repeatedInBatch));
                    return fresh;
                }

                await TerminatePendingAsync(slot, terminate, now);
                await AckAsync(batch);
                return [];
            }

            executionId = start.Message.ExecutionId!;
            past = [];
            fresh = [start, .. fresh.Where(b => b != start && !(b.Message.Event.Type == EventType.ExecutionStarted))];
        }
        else if (pastStatus.IsTerminal() && !fresh.Any(b => b.Message.Event.Type == EventType.ExecutionRewound))
        {
            // Late messages for a finished execution (a timer, a duplicate result): nothing left to do with them.
            await WriteInstanceAsync(slot, current, slot.CustomStatus, now);
            await AckAsync(batch);
            return [];
        }
        else
        {
            fresh = fresh.Where(b => b.Message.Event.Type != EventType.ExecutionStarted).ToList();
            if (fresh.Count == 0)
            {
                // Only duplicates: their first copies are recorded. If that episode died before writing the instance
                // row, write it now.
                await WriteInstanceAsync(slot, current, slot.CustomStatus, now);
                await AckAsync(batch);
                return [];
            }
        }

        var newEvents = new List<HistoryEvent> { new() { Type = EventType.OrchestratorStarted, Timestamp = now } };
        newEvents.AddRange(fresh.Select(b => b.Message.Event with { MessageId = b.Message.Id, Timestamp = b.Message.Event.Timestamp == default ? now : b.Message.Event.Timestamp }));
        var rewound = fresh.Any(b => b.Message.Event.Type == EventType.ExecutionRewound);

        var outgoing = new List<TaskMessage>();
        var workItems = new List<TaskMessage>();
        var startedEvent = HistoryFacts.Started([.. past, .. newEvents])!;
        var name = startedEvent.Name ?? "";
        var customStatus = slot.CustomStatus;
        var replaced = new List<string>();
        for (var continuation = 0; ; continuation++)
        {
            var result = Run(name, slot.InstanceId, past, newEvents, customStatus);
            customStatus = result.CustomStatus;
            foreach (var action in result.NewActions)
            {
                newEvents.Add(Route(slot.InstanceId, executionId, Rewinds([.. past, .. newEvents]), action, outgoing, workItems));
            }

            if (result.Completion is not { } completion)
            {
                break;
            }

            if (completion.Type != EventType.ContinueAsNew || continuation == MaxContinuationsPerEpisode)
            {
                newEvents.Add(completion);
                if (startedEvent.InstanceId is { } parent && startedEvent.ParentEventId is { } parentEventId)
                {
                    outgoing.Add(new TaskMessage(
                        $"{slot.InstanceId}|{executionId}|done",
                        parent,
                        null,
                        new HistoryEvent
                        {
                            Type = completion.Status == OrchestrationRuntimeStatus.Completed ? EventType.SubOrchestrationInstanceCompleted : EventType.SubOrchestrationInstanceFailed,
                            ScheduledId = parentEventId,
                            Data = completion.Data,
                            Failure = completion.Failure ?? (completion.Status == OrchestrationRuntimeStatus.Terminated
                                ? new TaskFailureDetails("Terminated", $"Sub-orchestration '{slot.InstanceId}' was terminated: {completion.Data}")
                                : null),
                            Timestamp = now,
                        }));
                }

                break;
            }

            // Continue-as-new: a fresh execution of the same instance, started here and now, carrying unread events.
            if (past.Count > 0 || current.ExecutionId == executionId)
            {
                replaced.Add(executionId);
            }

            executionId = Guid.NewGuid().ToString("N");
            startedEvent = startedEvent with { Data = completion.Data, ExecutionId = executionId, Timestamp = now, MessageId = null };
            past = [];
            newEvents =
            [
                new HistoryEvent { Type = EventType.OrchestratorStarted, Timestamp = now },
                startedEvent,
                .. result.CarriedOverEvents.Select(e => e with { MessageId = null }),
            ];
        }

        // 1. send, 2. append history, 3. instance row, 4. delete consumed messages.
        if (outgoing.Count > 0)
        {
            await w.Sender.SendToInstancesAsync(outgoing, cancellationToken: CancellationToken.None);
        }

        if (workItems.Count > 0)
        {
            await w.Sender.SendWorkItemsAsync(workItems, CancellationToken.None);
        }

        var committed = await w.History.AppendAsync(slot.InstanceId, current, executionId, newEvents, CancellationToken.None);
        slot.Remember(committed);
        slot.CustomStatus = customStatus;
        await WriteInstanceAsync(slot, committed, customStatus, now);
        await AckAsync(batch);

        AfterCommit(slot, committed, newEvents, rewound);
        foreach (var old in replaced.Where(e => e != executionId && !string.IsNullOrEmpty(e)))
        {
            _ = w.History.DeleteExecutionAsync(slot.InstanceId, old);
        }

        return [];
    }

    private EpisodeResult Run(string name, string instanceId, IReadOnlyList<HistoryEvent> past, List<HistoryEvent> newEvents, string? customStatus)
    {
        var orchestrator = w.Registry.CreateOrchestrator(name, w.Services) ?? new MissingOrchestrator(name);
        return OrchestrationExecutor.Execute(orchestrator, instanceId, past, newEvents, customStatus, w.Loggers);
    }

    /// <summary>Stands in for an orchestrator this worker does not know, so the instance fails saying so.</summary>
    private sealed class MissingOrchestrator(string name) : ITaskOrchestrator
    {
        public Type InputType => typeof(System.Text.Json.JsonElement?);

        public Type OutputType => typeof(object);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            throw new InvalidOperationException($"No orchestrator named '{name}' is registered on this worker.");
    }

    /// <summary>Decides where an action goes: activities run here if there is room (else via the work-item queue), the rest are messages.</summary>
    private HistoryEvent Route(string instanceId, string executionId, int rewinds, HistoryEvent action, List<TaskMessage> outgoing, List<TaskMessage> workItems)
    {
        var id = $"{instanceId}|{executionId}|{action.EventId}";
        switch (action.Type)
        {
            case EventType.TaskScheduled:
                if (w.Activities.HasRoom)
                {
                    return action with { Dispatch = "local" };
                }

                workItems.Add(new TaskMessage($"{id}|g{rewinds}", instanceId, executionId, action));
                return action with { Dispatch = "queue" };
            case EventType.SubOrchestrationInstanceCreated:
                outgoing.Add(new TaskMessage(id, action.InstanceId!, DeterministicExecutionId(id), new HistoryEvent
                {
                    Type = EventType.ExecutionStarted,
                    Name = action.Name,
                    Data = action.Data,
                    InstanceId = instanceId,
                    ParentEventId = action.EventId,
                    ExecutionId = DeterministicExecutionId(id),
                    Timestamp = action.Timestamp,
                }));
                return action;
            case EventType.EventSent:
                outgoing.Add(new TaskMessage(id, action.InstanceId!, null, new HistoryEvent { Type = EventType.EventRaised, Name = action.Name, Data = action.Data, Timestamp = action.Timestamp }));
                return action;
            default:
                return action;
        }
    }

    /// <summary>The same child execution id however often the parent's start message is re-sent.</summary>
    private static string DeterministicExecutionId(string seed) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16));

    /// <summary>Runs what the committed events ask of this worker: local activities, timers, and after a rewind the undone tasks.</summary>
    private void AfterCommit(InstanceSlot slot, CommittedHistory committed, IEnumerable<HistoryEvent> appended, bool rewound)
    {
        var open = HistoryFacts.OpenActivities(committed.Events).ToDictionary(e => e.EventId);
        var toRun = appended.Where(e => e.Type == EventType.TaskScheduled && e.Dispatch == "local" && open.ContainsKey(e.EventId)).ToList();
        var rewinds = Rewinds(committed.Events);
        if (rewound)
        {
            toRun = [.. open.Values];

            // Failed sub-orchestrations are rewound too. The message id is stable for this rewind, so a re-send after
            // a crash is dropped as a duplicate like every other message.
            foreach (var child in HistoryFacts.OpenSubOrchestrations(committed.Events))
            {
                _ = w.Sender.SendToInstancesAsync([new TaskMessage(
                    $"{slot.InstanceId}|{committed.ExecutionId}|{child.EventId}|rewind{rewinds}",
                    child.InstanceId!,
                    null,
                    new HistoryEvent { Type = EventType.ExecutionRewound, Reason = "parent rewound", Timestamp = w.Time.GetUtcNow().UtcDateTime })]);
            }
        }

        foreach (var activity in toRun)
        {
            w.Activities.RunLocally(new ActivityWork(slot.InstanceId, committed.ExecutionId, activity, null, ActivityWork.ResultId(slot.InstanceId, committed.ExecutionId, activity.EventId, rewinds)));
        }

        var openTimers = HistoryFacts.OpenTimers(committed.Events).ToDictionary(e => e.EventId);
        foreach (var timer in appended.Where(e => e.Type == EventType.TimerCreated && openTimers.ContainsKey(e.EventId)))
        {
            var fired = new TaskMessage(
                $"{slot.InstanceId}|{committed.ExecutionId}|{timer.EventId}|fired",
                slot.InstanceId,
                committed.ExecutionId,
                new HistoryEvent { Type = EventType.TimerFired, ScheduledId = timer.EventId, FireAt = timer.FireAt });
            Arm(fired, timer.FireAt ?? DateTime.UtcNow);
        }
    }

    private async Task WriteInstanceAsync(InstanceSlot slot, CommittedHistory committed, string? customStatus, DateTime now)
    {
        var status = HistoryFacts.Status(committed.Events);
        if (status == slot.WrittenStatus && customStatus == slot.WrittenCustomStatus && committed.ExecutionId == slot.WrittenExecutionId)
        {
            return;
        }

        var started = HistoryFacts.Started(committed.Events);
        var completion = committed.Events.LastOrDefault(e => e.Type == EventType.ExecutionCompleted);
        var terminal = status.IsTerminal() && completion is not null;
        await w.Instances.UpsertAsync(new OrchestrationMetadata(started?.Name ?? "", slot.InstanceId)
        {
            RuntimeStatus = status,
            CreatedAt = started?.Timestamp is { } created && created != default ? new DateTimeOffset(created, TimeSpan.Zero) : now,
            LastUpdatedAt = now,
            CompletedAt = terminal ? now : null,
            ScheduledStartAt = started?.FireAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null,
            ExecutionId = committed.ExecutionId,
            ParentInstanceId = started?.InstanceId,
            SerializedInput = started?.Data,
            SerializedOutput = terminal ? completion!.Data : null,
            SerializedCustomStatus = customStatus,
            FailureDetails = terminal ? completion!.Failure : null,
        });
        slot.WrittenStatus = status;
        slot.WrittenCustomStatus = customStatus;
        slot.WrittenExecutionId = committed.ExecutionId;
    }

    /// <summary>Terminate of an instance that never started (Pending, or scheduled for later): record it and stop there.</summary>
    private async Task TerminatePendingAsync(InstanceSlot slot, Inbound terminate, DateTime now)
    {
        var row = await w.Instances.GetAsync(slot.InstanceId, withPayloads: true);
        var executionId = row?.Metadata.ExecutionId is { Length: > 0 } e ? e : Guid.NewGuid().ToString("N");
        var events = new List<HistoryEvent>
        {
            new() { Type = EventType.OrchestratorStarted, Timestamp = now },
            terminate.Message.Event with { MessageId = terminate.Message.Id, Timestamp = now },
            new() { Type = EventType.ExecutionCompleted, Status = OrchestrationRuntimeStatus.Terminated, Data = terminate.Message.Event.Reason, Timestamp = now },
        };
        var committed = await w.History.AppendAsync(slot.InstanceId, slot.History!, executionId, events);
        slot.Remember(committed);
        if (row is { } existing)
        {
            await w.Instances.UpsertAsync(existing.Metadata with
            {
                RuntimeStatus = OrchestrationRuntimeStatus.Terminated,
                LastUpdatedAt = now,
                CompletedAt = now,
                SerializedOutput = terminate.Message.Event.Reason,
            });
        }

        slot.WrittenStatus = OrchestrationRuntimeStatus.Terminated;
        slot.WrittenExecutionId = executionId;
    }

    private static int Rewinds(IEnumerable<HistoryEvent> events) => events.Count(e => e.Type == EventType.ExecutionRewound);

    private static async Task AckAsync(IEnumerable<Inbound> done)
    {
        foreach (var item in done)
        {
            if (item.Ack is { } ack)
            {
                await ack.DoneAsync();
            }
        }
    }
}
