namespace Veil.Shared.Api;

/// <summary>
/// A row of the hosts table whose report cannot be read (garbled, empty, or naming another host): placement leaves it
/// out, and admins are shown it, with why, so that a broken or impostor row is not silently a missing host.
/// </summary>
/// <param name="Row">The row's key: the host name it claims.</param>
/// <param name="Problem">Why it cannot be read.</param>
/// <param name="HeartbeatAt">The heartbeat the row carries, if any: a recent one means something is still writing it.</param>
public sealed record UnreadableHostRow(string Row, string Problem, DateTimeOffset? HeartbeatAt);
