using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Catalog;

/// <summary>
/// What a proposed flavor must satisfy: the API refuses a proposal with these problems and the Portal's flavor
/// editor shows them as the admin types, so both answer with the same words.
/// </summary>
public static class FlavorRules
{
    public const int MaxVCpus = 512;
    public const int MinMemoryMiB = 128;
    public const int MaxMemoryMiB = 4_194_304;
    public const int MaxDiskGiB = 65_536;

    /// <summary>
    /// An image that asks for nothing and fits every model (UEFI, stateless firmware): resolved with it, a flavor
    /// shows its own problems and what it asks for, with no image chosen yet.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FittingImage { get; } = new Dictionary<string, string>
    {
        [RequestKeys.ImageFirmwareType] = "uefi",
        [RequestKeys.ImageFirmwareStateless] = "true",
    };

    /// <summary>Every problem with the proposal, empty when it may be proposed.</summary>
    public static IReadOnlyList<FieldProblem> Check(string? name, int vCpus, int memoryMiB, int diskGiB, IReadOnlyDictionary<string, string>? extraSpecs)
    {
        var problems = new List<FieldProblem>();
        if (!CatalogNames.IsValid(name))
        {
            problems.Add(new("name", $"Flavor name '{name}' must be {CatalogNames.Rule}."));
        }

        if (vCpus is < 1 or > MaxVCpus)
        {
            problems.Add(new("vCpus", $"vCpus must be 1-{MaxVCpus}; got {vCpus}."));
        }

        if (memoryMiB is < MinMemoryMiB or > MaxMemoryMiB)
        {
            problems.Add(new("memoryMiB", $"memoryMiB must be {MinMemoryMiB}-{MaxMemoryMiB}; got {memoryMiB}."));
        }

        if (diskGiB is < 1 or > MaxDiskGiB)
        {
            problems.Add(new("diskGiB", $"diskGiB must be 1-{MaxDiskGiB}; got {diskGiB}."));
        }

        problems.AddRange(CheckExtraSpecs(extraSpecs ?? new Dictionary<string, string>()));
        return problems;
    }

    /// <summary>
    /// The extra specs' own problems under nova's rules (unknown model, conflicting or malformed values). Problems
    /// only an image can fix (firmware type, stateless firmware) are checked when a server boots with one.
    /// </summary>
    public static IEnumerable<FieldProblem> CheckExtraSpecs(IReadOnlyDictionary<string, string> extraSpecs)
    {
        ArgumentNullException.ThrowIfNull(extraSpecs);
        foreach (var key in extraSpecs.Keys.Where(k => k.Trim().Length == 0 || k.Length > 255))
        {
            yield return new("extraSpecs", $"Extra spec key '{key}' must be 1-255 characters and not blank.");
        }

        foreach (var problem in MemoryEncryptionResolver.Check(extraSpecs, FittingImage, null).Problems.Where(p => p.Offenders.Any(o => o.Source == RequestSource.Flavor)))
        {
            yield return new("extraSpecs", problem.Message);
        }
    }
}
