using Veil.Shared.Api;

namespace Veil.Orchestrations.Servers;

/// <summary>Why a launch was refused: who may fix it and in which field.</summary>
public enum LaunchRefusalKind
{
    /// <summary>The request is wrong (400): <see cref="LaunchRefusal.Field"/> names what to change.</summary>
    Invalid,

    /// <summary>The caller may not launch at all (403).</summary>
    Forbidden,

    /// <summary>The Idempotency-Key was used before for a different request (422).</summary>
    KeyReused,

    /// <summary>The servers would take the project past a quota (403): <see cref="LaunchRefusal.Field"/> names the quota.</summary>
    OverQuota,
}

/// <summary>One refusal, naming the request field (<c>count</c>, <c>flavorName</c>, <c>Idempotency-Key</c>, …).</summary>
public sealed record LaunchRefusal(LaunchRefusalKind Kind, string Field, string Message);

/// <summary>The servers a launch created (their boots scheduled), or why none was.</summary>
public sealed record LaunchResult(IReadOnlyList<ServerRecord> Servers, LaunchRefusal? Refusal)
{
    public static LaunchResult Refused(LaunchRefusalKind kind, string field, string message) => new([], new(kind, field, message));
}
