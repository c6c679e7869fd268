using System.Text.Encodings.Web;
using System.Text.Json;

namespace Veil.Portal.History;

/// <summary>JSON from the engine as a person reads it: indented, and with quotes and angle brackets as themselves.</summary>
public static class JsonText
{
    // Safe here: Razor HTML-encodes whatever this returns when it renders it.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text indented and unescaped, or as it was when it is not JSON; null stays null.</summary>
    public static string? Readably(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return json;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Readable);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
