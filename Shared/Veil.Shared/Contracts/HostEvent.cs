namespace Veil.Shared.Contracts;

/// <summary>
/// A host's report of a command's outcome, on <see cref="HostQueues.Events"/>, preceded by one that says it took
/// the command (<see cref="HostCommandOutcome.Accepted"/>). Delivered at least once.
/// </summary>
/// <param name="CommandId">The command this answers.</param>
/// <param name="CorrelationId">Echoed from the command.</param>
/// <param name="Kind">The command's kind.</param>
/// <param name="ServerId">The server.</param>
/// <param name="HostName">The host that ran it.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="DomainState">libvirt's state of the domain afterwards (<c>running</c>, <c>paused</c>, <c>shut-off</c>, <c>absent</c>; <c>unknown</c> when only accepted).</param>
/// <param name="At">When the host finished.</param>
/// <param name="DomainXml">After a spawn (or any command on an existing domain): the XML libvirt holds for it.</param>
/// <param name="Failure">Why, when it did not succeed.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the host's span for the command, when traced.</param>
/// <param name="Attestation">After an SEV-SNP spawn: the measurement its report must carry, with every input to it.</param>
public sealed record HostEvent(
    Guid CommandId,
    string? CorrelationId,
    HostCommandKind Kind,
    Guid ServerId,
    string HostName,
    HostCommandOutcome Outcome,
    string DomainState,
    DateTimeOffset At,
    string? DomainXml = null,
    HostFailure? Failure = null,
    string? TraceParent = null,
    Veil.Shared.Attestation.ExpectedMeasurement? Attestation = null)
{
    /// <summary>What a host sends the moment it takes <paramref name="command"/>, before carrying it out.</summary>
    public static HostEvent Accepted(HostCommand command, string hostName, DateTimeOffset at, string? traceParent = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new(command.CommandId, command.CorrelationId, command.Kind, command.ServerId, hostName, HostCommandOutcome.Accepted, "unknown", at, TraceParent: traceParent);
    }
}
