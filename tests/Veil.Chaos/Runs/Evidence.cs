using System.Text.RegularExpressions;

namespace Veil.Chaos.Runs;

/// <summary>
/// What the processes' logs said about the servers an invariant found wrong: every line naming one of them, in each
/// process's log, so that a run that fails once (in CI, where the logs are gone with the machine) can be read
/// afterwards from its report alone.
/// </summary>
public static partial class Evidence
{
    private const int LinesPerServer = 60;

    public static IReadOnlyList<string> For(IEnumerable<Invariant> invariants, string logFolder)
    {
        ArgumentNullException.ThrowIfNull(invariants);
        var servers = invariants.Where(i => !i.Holds).SelectMany(i => ServerId().Matches(i.Finding).Select(m => m.Value)).Distinct(StringComparer.OrdinalIgnoreCase).Take(5).ToList();
        if (servers.Count == 0 || !Directory.Exists(logFolder))
        {
            return [];
        }

        var logs = Directory.EnumerateFiles(logFolder, "*.log").Order(StringComparer.Ordinal).ToList();
        var evidence = new List<string>();
        foreach (var server in servers)
        {
            evidence.Add($"server {server}:");
            evidence.AddRange(logs
                .SelectMany(log => ReadShared(log).Where(line => line.Contains(server, StringComparison.OrdinalIgnoreCase)).Select(line => $"  {Path.GetFileNameWithoutExtension(log)}: {line.Trim()}"))
                .Take(LinesPerServer));
        }

        return evidence;
    }

    /// <summary>A log's lines, read while its process may still be writing it.</summary>
    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex ServerId();
}
