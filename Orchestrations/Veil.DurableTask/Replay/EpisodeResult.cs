namespace Veil.DurableTask.Replay;

/// <summary>What one run of an orchestrator over its history decided.</summary>
internal sealed class EpisodeResult
{
    /// <summary>Actions taken for the first time in this episode (TaskScheduled, TimerCreated, …), to append to history.</summary>
    public List<HistoryEvent> NewActions { get; } = [];

    /// <summary>ExecutionCompleted / ContinueAsNew when the execution ended in this episode.</summary>
    public HistoryEvent? Completion { get; set; }

    /// <summary>ContinueAsNew: events raised but not consumed, carried into the next execution.</summary>
    public List<HistoryEvent> CarriedOverEvents { get; } = [];

    public string? CustomStatus { get; set; }

    public bool Suspended { get; set; }
}
