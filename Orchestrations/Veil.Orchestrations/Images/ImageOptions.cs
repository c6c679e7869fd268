using Veil.Hosting;

namespace Veil.Orchestrations.Images;

/// <summary>Limits of image uploads, bound from <c>Images</c> and checked at start.</summary>
public sealed class ImageOptions : ICheckedOptions
{
    public const string Section = "Images";

    /// <summary>The largest file an admin may upload, in MiB (1 MiB - 1 TiB). Default 20 GiB.</summary>
    public int MaxUploadMiB { get; set; } = 20 * 1024;

    public long MaxUploadBytes => (long)MaxUploadMiB << 20;

    public IEnumerable<string> Problems() => SettingRules.Of(
        SettingRules.Between($"{Section}:{nameof(MaxUploadMiB)}", MaxUploadMiB, 1, 1024 * 1024));
}
