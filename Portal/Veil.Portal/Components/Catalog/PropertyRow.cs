namespace Veil.Portal.Components.Catalog;

/// <summary>One key = value line of an extra-spec or image-property editor.</summary>
public sealed class PropertyRow
{
    public string Key { get; set; } = "";

    public string Value { get; set; } = "";

    /// <summary>The rows as a map; blank lines are left out, a repeated key is the caller's problem to report.</summary>
    public static Dictionary<string, string> ToMap(IEnumerable<PropertyRow> rows) =>
        rows.Where(r => r.Key.Trim().Length > 0).GroupBy(r => r.Key.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value.Trim(), StringComparer.Ordinal);

    /// <summary>Keys written on more than one line.</summary>
    public static IEnumerable<string> Repeated(IEnumerable<PropertyRow> rows) =>
        rows.Where(r => r.Key.Trim().Length > 0).GroupBy(r => r.Key.Trim(), StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
}
