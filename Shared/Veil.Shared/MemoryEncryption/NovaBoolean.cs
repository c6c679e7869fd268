namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// Booleans as oslo's <c>bool_from_string</c> reads them, in strict mode: surrounding white space ignored,
/// case-insensitive, and anything that is neither true nor false is an error rather than a silent false.
/// </summary>
public static class NovaBoolean
{
    private static readonly string[] TrueWords = ["1", "t", "true", "on", "y", "yes"];
    private static readonly string[] FalseWords = ["0", "f", "false", "off", "n", "no"];

    /// <summary>The words accepted, for error messages.</summary>
    public const string AcceptedWords = "true/false (also yes/no, on/off, 1/0, y/n, t/f)";

    public static bool TryParse(string? text, out bool value)
    {
        var word = text?.Trim().ToLowerInvariant();
        if (TrueWords.Contains(word))
        {
            value = true;
            return true;
        }

        value = false;
        return FalseWords.Contains(word);
    }
}
