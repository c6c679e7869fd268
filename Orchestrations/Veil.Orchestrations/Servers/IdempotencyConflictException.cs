namespace Veil.Orchestrations.Servers;

/// <summary>An Idempotency-Key reused for a different request (answered 422).</summary>
public sealed class IdempotencyConflictException(string message) : InvalidOperationException(message);
