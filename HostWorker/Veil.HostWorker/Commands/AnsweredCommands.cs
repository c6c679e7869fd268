using System.Globalization;
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
public sealed class AnsweredCommands
{
    private const int Kept = 10_000;
    private readonly string path;
    private readonly Lock gate = new();
    private readonly HashSet<Guid> ids = [];
    private readonly Queue<Guid> order = new();

    public AnsweredCommands(IOptions<HostWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.Value.EffectiveStateDirectory;
        Directory.CreateDirectory(directory);
        path = Path.Combine(directory, "answered-commands.log");
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (Guid.TryParse(line, out var id))
                {
                    Add(id);
                }
            }
        }
    }

    public bool Contains(Guid commandId)
    {
        lock (gate)
        {
            return ids.Contains(commandId);
        }
    }

    /// <summary>Records that the command's outcome was sent.</summary>
    public void Record(Guid commandId)
    {
        lock (gate)
        {
            if (!Add(commandId))
            {
                return;
            }

            File.AppendAllText(path, commandId.ToString("D", CultureInfo.InvariantCulture) + "\n");
            if (order.Count == Kept && new FileInfo(path).Length > 2L * Kept * 37)
            {
                // Compact: keep only the ids still remembered, written whole before they replace the log.
                File.WriteAllLines(path + ".new", order.Select(i => i.ToString("D", CultureInfo.InvariantCulture)));
                File.Move(path + ".new", path, overwrite: true);
            }
        }
    }

    private bool Add(Guid id)
    {
        if (!ids.Add(id))
        {
            return false;
        }

        order.Enqueue(id);
        if (order.Count > Kept)
        {
            ids.Remove(order.Dequeue());
        }

        return true;
    }
}
