using System.Globalization;

namespace Veil.HostWorker.Commands;

/// <summary>
/// A small map from id to text that outlives a restart: a file in the host's state directory, one line appended per
/// entry (<c>&lt;id&gt; &lt;text&gt;</c>), read back at start, where the last line of an id wins. Only the newest
/// <c>kept</c> ids are remembered; the file is rewritten with just those once it holds twice as many lines.
/// </summary>
internal sealed class StateLog
{
    private readonly string path;
    private readonly int kept;
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, string> entries = [];
    private readonly Queue<Guid> order = new();
    private int lines;

    public StateLog(string directory, string fileName, int kept)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kept, 1);
        Directory.CreateDirectory(directory);
        path = Path.Combine(directory, fileName);
        this.kept = kept;
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var line in File.ReadLines(path))
        {
            lines++;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (Guid.TryParse(space < 0 ? line : line[..space], out var id))
            {
                Remember(id, space < 0 ? "" : line[(space + 1)..]);
            }
        }
    }

    public bool TryGet(Guid id, out string value)
    {
        lock (gate)
        {
            return entries.TryGetValue(id, out value!);
        }
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="id"/>, on disk before it returns.</summary>
    public void Record(Guid id, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A state log's value is one line.", nameof(value));
        }

        lock (gate)
        {
            if (entries.TryGetValue(id, out var known) && known == value)
            {
                return;
            }

            Remember(id, value);
            File.AppendAllText(path, Line(id, value) + "\n");
            if (++lines > 2 * kept)
            {
                // Compact: only the ids still remembered, written whole before they replace the log.
                File.WriteAllLines(path + ".new", order.Select(i => Line(i, entries[i])));
                File.Move(path + ".new", path, overwrite: true);
                lines = order.Count;
            }
        }
    }

    private static string Line(Guid id, string value) =>
        value.Length == 0 ? id.ToString("D", CultureInfo.InvariantCulture) : $"{id.ToString("D", CultureInfo.InvariantCulture)} {value}";

    private void Remember(Guid id, string value)
    {
        if (entries.TryAdd(id, value))
        {
            order.Enqueue(id);
            if (order.Count > kept)
            {
                entries.Remove(order.Dequeue());
            }
        }
        else
        {
            entries[id] = value;
        }
    }
}
