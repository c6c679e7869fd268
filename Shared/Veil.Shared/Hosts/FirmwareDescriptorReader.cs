using System.Text.Json;

namespace Veil.Shared.Hosts;

/// <summary>Reads QEMU firmware descriptors without throwing; a descriptor that cannot be read becomes a warning.</summary>
public static class FirmwareDescriptorReader
{
    /// <summary>The feature the SEV-SNP spec's descriptor must list.</summary>
    public const string SevSnpFeature = "amd-sev-snp";

    /// <summary>The feature of SEV-capable OVMF builds.</summary>
    public const string SevFeature = "amd-sev";

    /// <summary>The feature a descriptor names when its firmware boots SEV-ES guests.</summary>
    public const string SevEsFeature = "amd-sev-es";

    /// <summary>
    /// The descriptors among <paramref name="descriptors"/> (path → JSON, in QEMU's order) that offer SEV-SNP firmware
    /// for q35; unreadable ones are left out (the checklist warns of them).
    /// </summary>
    public static IEnumerable<FirmwareDescriptor> OfferingSnp(IEnumerable<KeyValuePair<string, string>> descriptors)
    {
        var warnings = new List<string>();
        return descriptors.Select(d => Read(d.Key, d.Value, warnings)).OfType<FirmwareDescriptor>().Where(d => d.OffersForQ35(SevSnpFeature));
    }

    public static FirmwareDescriptor? Read(string path, string? json, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        try
        {
            using var document = JsonDocument.Parse(json ?? "", new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                warnings.Add($"firmware descriptor {path} is not a JSON object");
                return null;
            }

            var mapping = root.TryGetProperty("mapping", out var m) && m.ValueKind == JsonValueKind.Object ? m : (JsonElement?)null;
            var targets = Array(root, "targets")
                .Where(t => t.ValueKind == JsonValueKind.Object)
                .Select(t => new FirmwareTarget(
                    String(t, "architecture") ?? "",
                    Array(t, "machines").Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : "").ToList()))
                .ToList();

            return new FirmwareDescriptor(
                path,
                Strings(root, "interface-types"),
                Strings(root, "features"),
                targets,
                mapping is { } mm ? String(mm, "device") : null,
                mapping is { } mf ? String(mf, "filename") ?? (mf.TryGetProperty("executable", out var e) && e.ValueKind == JsonValueKind.Object ? String(e, "filename") : null) : null);
        }
        catch (JsonException e)
        {
            warnings.Add($"firmware descriptor {path} is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static List<string> Strings(JsonElement obj, string name) =>
        Array(obj, name).Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
}
