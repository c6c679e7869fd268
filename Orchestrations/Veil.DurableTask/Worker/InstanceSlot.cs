using Veil.DurableTask.AzureStorage;

namespace Veil.DurableTask.Worker;

/// <summary>An instance as its partition's worker holds it: the messages waiting for it and its cached history.</summary>
internal sealed class InstanceSlot(string instanceId)
{
    public string InstanceId { get; } = instanceId;

    public object Gate { get; } = new();

    public List<Inbound> Inbox { get; set; } = [];

    /// <summary>An episode is running or queued; new messages join the next one.</summary>
    public bool Busy { get; set; }

    public CommittedHistory? History { get; set; }

    public HashSet<string> SeenMessageIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The status and custom status last written to the Instances table, to skip writes that change nothing.</summary>
    public OrchestrationRuntimeStatus? WrittenStatus { get; set; }

    public string? WrittenCustomStatus { get; set; }

    public string? WrittenExecutionId { get; set; }

    /// <summary>The custom status the orchestrator last set (not in history; carried from episode to episode).</summary>
    public string? CustomStatus { get; set; }

    public long LastUsedTicks { get; set; }

    public void Remember(CommittedHistory history)
    {
        History = history;
        SeenMessageIds.Clear();
        foreach (var e in history.Events)
        {
            if (e.MessageId is { } id)
            {
                SeenMessageIds.Add(id);
            }
        }
    }
}
