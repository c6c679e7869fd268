using System.Diagnostics;
using Veil.Shared.Guests;

namespace Veil.Shared.Contracts;

/// <summary>A message on a host's command queue.</summary>
/// <param name="CommandId">Unique per command; echoed in the outcome so a consumer can drop duplicates.</param>
/// <param name="Kind">What to do.</param>
/// <param name="ServerId">The server, which is also the domain's UUID: the same command twice never makes two domains.</param>
/// <param name="IssuedAt">When the sender issued it (an orchestration's replay-safe time): a host carries out no spawn issued
/// before a destroy of the same server it already carried out.</param>
/// <param name="Guest">For <see cref="HostCommandKind.Spawn"/>: the guest to define.</param>
/// <param name="CorrelationId">Opaque to the host, echoed in the outcome (the orchestration instance waiting for it).</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the span that sent it, when traced: the host's handling continues that trace.</param>
public sealed record HostCommand(Guid CommandId, HostCommandKind Kind, Guid ServerId, DateTimeOffset IssuedAt, GuestSpec? Guest = null, string? CorrelationId = null, string? TraceParent = null)
{
    /// <summary>What is wrong with a command that parsed as JSON; null when it is well formed.</summary>
    public string? Problem() => this switch
    {
        { CommandId: var id } when id == Guid.Empty => "commandId is missing or empty",
        { ServerId: var id } when id == Guid.Empty => "serverId is missing or empty",
        { IssuedAt: var at } when at == default => "issuedAt is missing",
        { Kind: HostCommandKind.Spawn, Guest: null } => "a spawn command needs a guest",
        { Kind: HostCommandKind.Spawn, Guest: { } guest } when guest.ServerId != ServerId =>
            $"guest.serverId {guest.ServerId} differs from serverId {ServerId}",
        { CorrelationId.Length: > 1024 } => "correlationId is longer than 1024 characters",
        { TraceParent: { } traceParent } when !ActivityContext.TryParse(traceParent, null, out _) => "traceParent is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)",
        _ => null,
    };
}
