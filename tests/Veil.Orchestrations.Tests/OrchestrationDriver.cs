using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Veil.TaskHub.Authoring;

namespace Veil.Orchestrations.Tests;

/// <summary>
/// Runs one orchestrator the way DurableTask.Core's dispatcher does — each episode a fresh SDK shim replayed by
/// DurableTask.Core's <see cref="TaskOrchestrationExecutor"/> over the history so far plus the new events — but with
/// the dispatcher's storage and queues replaced by this test: activities are answered at once by fakes, raised
/// events are delivered in the next episode, and when nothing else is pending the earliest timer fires, moving a
/// virtual clock. So an orchestrator's branches, timeouts included, run in milliseconds against the real SDK types.
/// An episode can be lost as the Azure Storage backend loses one (<see cref="LoseEpisode"/>). The worker's
/// <see cref="Checkpoints"/> activity is there, as every worker registers it.
/// </summary>
internal sealed class OrchestrationDriver(ITaskOrchestrator orchestrator, DataConverter converter)
{
    private readonly DurableTaskShimFactory shims = new(new DurableTaskWorkerOptions { DataConverter = converter }, null);
    private readonly Dictionary<string, Func<string?, object?>> activities = new(StringComparer.Ordinal) { [Checkpoints.ActivityName] = _ => true };
    private readonly List<HistoryEvent> pending = [];
    private readonly List<(int Id, DateTime FireAt)> timers = [];
    private readonly List<(DateTime At, HistoryEvent Event)> arrivals = [];

    // What a lost episode scheduled, by task or timer id: delivered once the history holds an event of that id, at
    // its time (a completion at once, a timer when it fires), before the rerun's own answers unless told otherwise.
    private readonly List<(int Id, DateTime DueAt, HistoryEvent Answer)> held = [];
    private (Func<IReadOnlyList<HistoryEvent>, bool> When, Action Meanwhile, TimeSpan Delay)? lose;
    private bool losing;

    /// <summary>The virtual time; starts at a fixed instant.</summary>
    public DateTime Now { get; private set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Every activity call, in order: its name and its input as the orchestrator sent it.</summary>
    public List<(string Name, string? Input)> Calls { get; } = [];

    /// <summary>Events the orchestration sent to other instances: target, name, payload.</summary>
    public List<(string InstanceId, string Name, string? Data)> Sent { get; } = [];

    public List<HistoryEvent> History { get; } = [];

    /// <summary>Answers activity <paramref name="name"/> with <paramref name="fake"/>; a fake that throws fails the task.</summary>
    public OrchestrationDriver Activity<TIn, TOut>(string name, Func<TIn, TOut> fake)
    {
        activities[name] = raw => fake(converter.Deserialize<TIn>(Argument(raw))!);
        return this;
    }

    /// <summary>An event for this instance, delivered in the next episode (as a host's answer arriving).</summary>
    public void Raise(string name, object? payload) => pending.Add(Event(name, payload));

    /// <summary>An event for this instance that arrives at <paramref name="at"/> on the virtual clock.</summary>
    public void RaiseAt(DateTime at, string name, object? payload) => arrivals.Add((at, Event(name, payload)));

    /// <summary>Whether what a lost episode scheduled is answered before the rerun's own answers (the default) or after them.</summary>
    public bool LostAnswersFirst { get; set; } = true;

    /// <summary>
    /// Loses the first episode whose new events match <paramref name="when"/>, as the Azure Storage backend can: it
    /// sends what the episode scheduled before it commits the episode's history, and the commit does not happen (the
    /// process died, storage went away, the partition moved). So the activities run (their calls are recorded like
    /// any other), their completions wait until the history holds their id, and nothing of the episode is in the
    /// history (its timers fire, held the same way). <paramref name="meanwhile"/> then runs (a late answer arriving),
    /// the clock moves on by <paramref name="delay"/> (a dead worker's lease and messages take time to come back;
    /// timers and events due by then arrive), and the episode's events come back after all that, as a message
    /// abandoned by a dead worker reappears after newer ones.
    /// </summary>
    public void LoseEpisode(Func<IReadOnlyList<HistoryEvent>, bool> when, Action meanwhile, TimeSpan delay = default) => lose = (when, meanwhile, delay);

    /// <summary>The activity calls of that name, their inputs read as <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> CallsOf<T>(string name) =>
        Calls.Where(c => c.Name == name).Select(c => converter.Deserialize<T>(Argument(c.Input))!).ToList();

    /// <summary>Runs the orchestration to its end and returns how it ended and its output.</summary>
    public (OrchestrationStatus Status, TOut? Output, FailureDetails? Failure) Run<TIn, TOut>(TIn input, int maxEpisodes = 200)
    {
        var instance = new OrchestrationInstance { InstanceId = "test-instance", ExecutionId = "1" };
        pending.Add(new ExecutionStartedEvent(-1, converter.Serialize(input)) { Name = "under-test", OrchestrationInstance = instance });
        for (var episode = 0; episode < maxEpisodes; episode++)
        {
            if (pending.Count == 0)
            {
                AdvanceToNext();
            }

            var state = new OrchestrationRuntimeState(History.ToList());
            var arrived = new List<HistoryEvent> { new OrchestratorStartedEvent(-1) { Timestamp = Now } };
            arrived.AddRange(pending);
            pending.Clear();
            foreach (var e in arrived)
            {
                state.AddEvent(e);
            }

            var committed = History.Count;
            losing = lose is { } loss && loss.When(arrived);
            History.AddRange(arrived);
            var shim = shims.CreateOrchestration("under-test", orchestrator, parent: null);
            var result = new TaskOrchestrationExecutor(state, shim, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails).Execute();
            if (losing)
            {
                foreach (var action in result.Actions.Where(a => a is not OrchestrationCompleteOrchestratorAction))
                {
                    Act(action);
                }

                History.RemoveRange(committed, History.Count - committed);
                var (_, meanwhile, delay) = lose!.Value;
                lose = null;
                losing = false;
                meanwhile();
                Now += delay;
                DeliverDue();
                pending.AddRange(arrived.Skip(1));
                continue;
            }

            foreach (var action in result.Actions)
            {
                if (Act(action) is { } completed)
                {
                    return (completed.OrchestrationStatus, completed.OrchestrationStatus != OrchestrationStatus.Completed || completed.Result is null ? default : converter.Deserialize<TOut>(completed.Result), completed.FailureDetails);
                }
            }

            History.Add(new OrchestratorCompletedEvent(-1));
            ReleaseHeld();
        }

        throw new InvalidOperationException($"The orchestration did not end within {maxEpisodes} episodes.");
    }

    private EventRaisedEvent Event(string name, object? payload) => new(-1, converter.Serialize(payload)) { Name = name };

    private bool Deliverable((int Id, DateTime DueAt, HistoryEvent Answer) lost) => History.Any(e => e.EventId == lost.Id);

    /// <summary>
    /// The clock moves to the earliest of the timers, the events due to arrive and the lost episode's deliverable
    /// answers, and what is due by then is delivered.
    /// </summary>
    private void AdvanceToNext()
    {
        var next = timers.Select(t => t.FireAt).Concat(arrivals.Select(a => a.At)).Concat(held.Where(Deliverable).Select(h => h.DueAt)).ToList();
        if (next.Count == 0)
        {
            throw new InvalidOperationException($"The orchestration waits with nothing left to deliver: {string.Join(", ", History.Select(e => e.EventType))}");
        }

        var at = next.Min();
        Now = at > Now ? at : Now;
        DeliverDue();
        ReleaseHeld();
    }

    /// <summary>The timers and the events due by now, earliest first.</summary>
    private void DeliverDue()
    {
        var due = timers.Where(t => t.FireAt <= Now).Select(t => (At: t.FireAt, Event: (HistoryEvent)new TimerFiredEvent(-1, t.FireAt) { TimerId = t.Id }))
            .Concat(arrivals.Where(a => a.At <= Now))
            .OrderBy(d => d.At)
            .ToList();
        timers.RemoveAll(t => t.FireAt <= Now);
        arrivals.RemoveAll(a => a.At <= Now);
        pending.AddRange(due.Select(d => d.Event));
    }

    private void ReleaseHeld()
    {
        var due = held.Where(h => h.DueAt <= Now && Deliverable(h)).ToList();
        held.RemoveAll(due.Contains);
        pending.InsertRange(LostAnswersFirst ? 0 : pending.Count, due.Select(h => h.Answer));
    }

    /// <summary>DurableTask.Core schedules an activity with its parameters as a JSON array; the SDK passes one.</summary>
    private static string? Argument(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        using var parameters = System.Text.Json.JsonDocument.Parse(raw);
        return parameters.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
            ? parameters.RootElement.GetArrayLength() == 0 ? null : parameters.RootElement[0].GetRawText()
            : raw;
    }

    private OrchestrationCompleteOrchestratorAction? Act(OrchestratorAction action)
    {
        switch (action)
        {
            case ScheduleTaskOrchestratorAction task:
                var name = task.Name ?? "";
                History.Add(new TaskScheduledEvent(task.Id, name, task.Version, task.Input));
                Calls.Add((name, task.Input));
                var fake = activities.TryGetValue(name, out var f) ? f : throw new InvalidOperationException($"No fake for activity {name}.");
                HistoryEvent answer;
                try
                {
                    answer = new TaskCompletedEvent(-1, task.Id, converter.Serialize(fake(task.Input)));
                }
                catch (Exception e)
                {
                    answer = new TaskFailedEvent(-1, task.Id, e.Message, null, new FailureDetails(Veil.TaskHub.Hosting.StorageOutageReportingActivity.Reported(e)));
                }

                if (losing)
                {
                    held.Add((task.Id, Now, answer));
                }
                else
                {
                    pending.Add(answer);
                }

                return null;
            case CreateTimerOrchestratorAction timer:
                History.Add(new TimerCreatedEvent(timer.Id, timer.FireAt));
                if (losing)
                {
                    held.Add((timer.Id, timer.FireAt, new TimerFiredEvent(-1, timer.FireAt) { TimerId = timer.Id }));
                }
                else
                {
                    timers.Add((timer.Id, timer.FireAt));
                }

                return null;
            case SendEventOrchestratorAction send:
                var target = send.Instance?.InstanceId ?? "";
                History.Add(new EventSentEvent(send.Id) { InstanceId = target, Name = send.EventName, Input = send.EventData });
                Sent.Add((target, send.EventName ?? "", send.EventData));
                return null;
            case OrchestrationCompleteOrchestratorAction complete:
                return complete;
            default:
                throw new NotSupportedException($"The driver does not run {action.GetType().Name}.");
        }
    }
}
