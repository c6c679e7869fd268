namespace Veil.Shared.Guests;

/// <summary>Checks for the free text tenants give (names, metadata) before it goes into domain XML.</summary>
public static class GuestText
{
    public const int MaxNameLength = 255;
    public const int MaxMetadataKeyLength = 255;
    /// <summary>nova's limit for a metadata value, as for its key.</summary>
    public const int MaxMetadataValueLength = 255;
    public const int MaxMetadataItems = 128;

    /// <summary>Null when <paramref name="value"/> is usable as <paramref name="field"/>; otherwise why not.</summary>
    public static string? Problem(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{field} is empty; give it at least one visible character.";
        }

        if (value.Length > maxLength)
        {
            return $"{field} is {value.Length} characters long; at most {maxLength} are allowed.";
        }

        // libvirt refuses newlines in titles, and XML 1.0 cannot carry other control characters or lone surrogates.
        if (value.Any(char.IsControl))
        {
            return $"{field} contains a control character (such as a newline or tab); remove it.";
        }

        if (!IsXmlText(value))
        {
            return $"{field} contains a character XML cannot carry (a lone surrogate or non-character); remove it.";
        }

        return null;
    }

    private static bool IsXmlText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                return false;
            }
        }

        return true;
    }
}
