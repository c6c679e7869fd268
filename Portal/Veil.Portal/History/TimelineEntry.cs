namespace Veil.Portal.History;

/// <summary>
/// One line of an orchestration's timeline: an activity, sub-orchestration or timer from its scheduling to its
/// answer, or a single moment (started, event raised, suspended, completed…).
/// </summary>
/// <param name="Kind">activity, sub-orchestration, timer, event or execution.</param>
/// <param name="Name">The activity, orchestration or event name, or what happened to the execution.</param>
/// <param name="Attempt">1 for a first try, 2 and on for retries (activities and sub-orchestrations).</param>
/// <param name="Start">When it was scheduled or happened.</param>
/// <param name="End">When it was answered; null while it waits (and for moments).</param>
/// <param name="Outcome">completed, failed, waiting, fired, raised, or the execution's status.</param>
/// <param name="Result">The result or payload as JSON text.</param>
/// <param name="Error">The failure: type, message, and any inner failure.</param>
public sealed record TimelineEntry(string Kind, string Name, int Attempt, DateTime Start, DateTime? End, string Outcome, string? Result, string? Error)
{
    /// <summary>How long it took from scheduling to answer.</summary>
    public TimeSpan? Duration => End - Start;

    public bool Failed => Outcome is "failed" or "terminated";
}
