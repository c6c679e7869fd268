using System.Text.RegularExpressions;

namespace Veil.Shared.Catalog;

/// <summary>Flavor names and image ids: 1-64 letters, digits, '.', '_' or '-' (they are table keys).</summary>
public static partial class CatalogNames
{
    public const string Rule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
