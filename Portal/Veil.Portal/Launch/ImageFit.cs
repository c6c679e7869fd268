using Veil.Portal.Api;
using Veil.Shared.Api;
using Veil.Shared.MemoryEncryption;

namespace Veil.Portal.Launch;

/// <summary>
/// Which approved flavors can boot an image, by the same resolver and disk rule the API applies: the wizard offers an image only
/// when some flavor fits it, and says which memory-encryption models it can run with.
/// </summary>
public sealed record ImageFit(IReadOnlyList<string> Flavors, IReadOnlyList<string> Models, string? Problem)
{
    public bool Fits => Flavors.Count > 0;

    public static ImageFit Of(Image image, IEnumerable<Flavor> flavors)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(flavors);
        var fitting = new List<string>();
        var models = new SortedSet<string>(StringComparer.Ordinal);
        string? problem = null;
        foreach (var flavor in flavors)
        {
            var check = MemoryEncryptionResolver.Check(flavor.ExtraSpecs, image.Properties, null);
            if (Veil.Shared.Guests.GuestRules.ImageDiskProblem(image.Files, flavor.DiskGiB) is { } diskProblem)
            {
                problem ??= $"{flavor.Name}: {diskProblem}";
            }
            else if (check.Resolution is { } resolution)
            {
                fitting.Add(flavor.Name);
                models.Add(resolution.Model is { } model ? model.ToName() : "none");
            }
            else
            {
                problem ??= $"{flavor.Name}: {check.Message}";
            }
        }

        return new ImageFit(fitting, [.. models], fitting.Count > 0 ? null : problem ?? "There is no approved flavor yet.");
    }
}
