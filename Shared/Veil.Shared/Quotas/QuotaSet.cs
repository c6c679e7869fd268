using System.Globalization;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Quotas;

/// <summary>
/// A project's limits, or what it uses, in nova's quota resources — <c>instances</c>, <c>cores</c> (vCPUs),
/// <c>ram</c> (MiB) — and Veil's own, <c>mem_encryption_context</c> slots per memory-encryption model (keyed by the
/// model's name, <c>amd-sev-snp</c>). In a limit, <see cref="Unlimited"/> (-1, nova's convention) means no limit.
/// </summary>
public sealed record QuotaSet(int Instances, int Cores, int RamMiB, IReadOnlyDictionary<string, int> MemEncryptionContexts)
{
    /// <summary>nova's value for "no limit".</summary>
    public const int Unlimited = -1;

    /// <summary>Nothing used.</summary>
    public static QuotaSet None { get; } = new(0, 0, 0, MemoryEncryptionModels.All.ToDictionary(m => m.Name, _ => 0));

    /// <summary>What the servers of a project hold: every server not DELETED counts, as nova counts instances
    /// (a server in ERROR still exists until it is deleted).</summary>
    public static QuotaSet UsedBy(IEnumerable<ServerRecord> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var live = servers.Where(s => s.Status != ServerStatus.Deleted).ToList();
        return new(live.Count, live.Sum(s => s.VCpus), live.Sum(s => s.MemoryMiB),
            MemoryEncryptionModels.All.ToDictionary(m => m.Name, m => live.Count(s => s.Model == m.Model)));
    }

    /// <summary>What <paramref name="count"/> servers of a flavor of that size and model would hold.</summary>
    public static QuotaSet For(int count, int vCpus, int memoryMiB, MemoryEncryptionModel? model) =>
        new(count, count * vCpus, count * memoryMiB, MemoryEncryptionModels.All.ToDictionary(m => m.Name, m => m.Model == model ? count : 0));

    /// <summary>The amount of one quota resource (<see cref="QuotaNames"/>); 0 for a model not listed.</summary>
    public int Of(string quota) => quota switch
    {
        QuotaNames.Instances => Instances,
        QuotaNames.Cores => Cores,
        QuotaNames.Ram => RamMiB,
        _ when QuotaNames.ModelOf(quota) is { } model => MemEncryptionContexts.GetValueOrDefault(model.ToName()),
        _ => throw new ArgumentOutOfRangeException(nameof(quota), quota, "Not a quota resource."),
    };

    /// <summary>As limits: each value -1 (unlimited) or more, each model one Veil knows. Each problem names its field.</summary>
    public IEnumerable<(string Field, string Message)> LimitProblems()
    {
        foreach (var quota in QuotaNames.Scalars)
        {
            if (Of(quota) < Unlimited)
            {
                yield return (QuotaNames.Field(quota), Invariant($"{QuotaNames.Field(quota)} is {Of(quota)}; a limit is -1 (unlimited) or a number from 0."));
            }
        }

        foreach (var (name, value) in MemEncryptionContexts ?? new Dictionary<string, int>())
        {
            var field = $"memEncryptionContexts.{name}";
            if (!MemoryEncryptionModels.TryParse(name, out _) || name != name.Trim())
            {
                yield return (field, $"'{name}' is not a memory-encryption model; use {MemoryEncryptionModels.AllowedNames}.");
            }
            else if (value < Unlimited)
            {
                yield return (field, Invariant($"{field} is {value}; a limit is -1 (unlimited) or a number from 0."));
            }
        }
    }

    /// <summary>These limits with the models they do not name taken from <paramref name="defaults"/>.</summary>
    public QuotaSet Over(QuotaSet defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var contexts = new Dictionary<string, int>(defaults.MemEncryptionContexts);
        foreach (var (name, value) in MemEncryptionContexts)
        {
            contexts[name] = value;
        }

        return this with { MemEncryptionContexts = contexts };
    }

    /// <summary>
    /// The first quota that <paramref name="requested"/> on top of <paramref name="used"/> would exceed under these
    /// limits, or null when it fits.
    /// </summary>
    public QuotaExceeded? FirstExceeded(QuotaSet used, QuotaSet requested)
    {
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(requested);
        foreach (var quota in QuotaNames.All)
        {
            var limit = Of(quota);
            if (limit != Unlimited && requested.Of(quota) > 0 && used.Of(quota) + requested.Of(quota) > limit)
            {
                return new QuotaExceeded(quota, requested.Of(quota), used.Of(quota), limit);
            }
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
