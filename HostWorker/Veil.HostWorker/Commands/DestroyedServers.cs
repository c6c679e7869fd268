using System.Globalization;
using Microsoft.Extensions.Options;

namespace Veil.HostWorker.Commands;

/// <summary>
/// The servers this host destroyed, with when the newest destroy of each was issued, kept in
/// <c>destroyed-servers.log</c> in its state directory so that they outlive a restart. A spawn issued before that
/// destroy — a late redelivery, or one that waited on the queue while its boot gave up on this host — must not
/// define the guest again: nobody would own it. A spawn issued after it (a new boot) goes ahead. The newest 10,000
/// servers are kept: far more than a command can stay on a queue.
/// </summary>
public sealed class DestroyedServers(IOptions<HostWorkerOptions> options)
{
    private readonly StateLog log = new(options.Value.EffectiveStateDirectory, "destroyed-servers.log", 10_000);

    /// <summary>When the newest destroy of the server carried out here was issued; null if none is remembered.</summary>
    public DateTimeOffset? DestroyIssuedAt(Guid serverId) =>
        log.TryGet(serverId, out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary>Records a destroy of the server issued at <paramref name="issuedAt"/> (an older one changes nothing).</summary>
    public void Record(Guid serverId, DateTimeOffset issuedAt)
    {
        if (DestroyIssuedAt(serverId) is { } known && known >= issuedAt)
        {
            return;
        }

        log.Record(serverId, issuedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }
}
