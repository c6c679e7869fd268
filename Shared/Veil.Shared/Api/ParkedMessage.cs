namespace Veil.Shared.Api;

/// <summary>A message taken off its queue because it cannot be handled, kept whole with the reason.</summary>
/// <param name="Id">The parked message's id in the store (<c>&lt;queue&gt;/&lt;time&gt;-&lt;message id&gt;</c>).</param>
/// <param name="Queue">The queue it came from, and to which a replay returns it.</param>
/// <param name="MessageId">Its storage message id.</param>
/// <param name="Body">Its text, unchanged.</param>
/// <param name="Reason">Why it was parked, for the operator.</param>
/// <param name="DequeueCount">How many times it was tried.</param>
/// <param name="InsertedOn">When it was first enqueued.</param>
/// <param name="ParkedAt">When it was parked.</param>
public sealed record ParkedMessage(
    string Id,
    string Queue,
    string MessageId,
    string Body,
    string Reason,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset ParkedAt);
