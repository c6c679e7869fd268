namespace Veil.Shared.Placement;

/// <summary>A host a boot tried before the one it ended on, and why that host could not start it.</summary>
public sealed record PlacementAttempt(string HostName, string Failure);

/// <summary>
/// Placement's account of a boot, for admins: the host it ended on (null while none has, or when none could), the
/// hosts tried before and why each failed, and every host left out with its reason — what the Portal shows as a table
/// grouped by reason. It grows with the fleet, so it is kept beside the server (a blob), and the server's record
/// keeps <see cref="Explain"/>'s sentence, which names at most <see cref="MaxNamed"/> of the hosts left out.
/// </summary>
public sealed record PlacementAccount(string? Chosen, IReadOnlyList<PlacementAttempt> Tried, IReadOnlyList<PlacementRejection> LeftOut)
{
    /// <summary>How many hosts left out the sentence names; the rest it counts by kind.</summary>
    public const int MaxNamed = 10;

    /// <summary>"Chose b after a failed (libvirt: no memory); left out c: …." or "No valid host was found. c: …." — with
    /// "… and 290 more hosts left out (model-not-offered: 280, full: 10)." past <see cref="MaxNamed"/>.</summary>
    public string Explain()
    {
        var named = string.Join(" ", LeftOut.Take(MaxNamed).Select(r => $"{r.HostName}: {r.Reason}."));
        var more = LeftOut.Skip(MaxNamed).ToList();
        var leftOut = more.Count == 0 ? named : named + $" … and {more.Count} more hosts left out ({string.Join(", ", more.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g => $"{Contracts.VeilJson.Word(g.Key)}: {g.Count()}"))}).";
        var tried = string.Join("; ", Tried.Select(t => $"{t.HostName} failed ({t.Failure})"));
        if (Chosen is null)
        {
            var why = Tried.Count > 0 ? $"Tried {tried}." : LeftOut.Count == 0 ? "No hosts are registered." : "";
            return string.Join(" ", new[] { "No valid host was found.", why, leftOut }.Where(p => p.Length > 0));
        }

        return $"Chose {Chosen}" + (Tried.Count > 0 ? $" after {tried}" : "") + (LeftOut.Count == 0 ? "." : "; left out " + leftOut);
    }

    /// <summary>How the boot ended: on <paramref name="host"/> (null: on none) after <paramref name="tried"/>.</summary>
    public PlacementAccount EndedOn(string? host, IReadOnlyList<PlacementAttempt> tried) => this with { Chosen = host, Tried = tried };
}
