using Microsoft.Extensions.Options;

namespace Veil.HostWorker.Commands;

/// <summary>
/// The commands this host has answered, by command id, kept in <c>answered-commands.log</c> in its state directory
/// so that they outlive a restart. The command queue delivers at least once (a lease that expired under load, a
/// crash before the delete): a command seen again after its answer went out is deleted without running or
/// answering it a second time. The id is written after the answer is sent, so a crash between the two still
/// answers twice — at-least-once stays the contract, but only a crash can make a duplicate. The newest 10,000
/// ids are kept.
/// </summary>
public sealed class AnsweredCommands(IOptions<HostWorkerOptions> options)
{
    private readonly StateLog log = new(options.Value.EffectiveStateDirectory, "answered-commands.log", 10_000);

    public bool Contains(Guid commandId) => log.TryGet(commandId, out _);

    /// <summary>Records that the command's outcome was sent.</summary>
    public void Record(Guid commandId) => log.Record(commandId, "");
}
