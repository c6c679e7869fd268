using System.Text.Json;
using System.Text.Json.Serialization;

namespace Veil.Shared.Contracts;

/// <summary>
/// How Veil's processes write their messages and reports: camelCase names, enums as kebab-case words
/// (<c>amd-sev-snp</c>, <c>live-migrate</c>), nulls left out.
/// </summary>
public static class VeilJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>How an enum value is written: <c>ClaimingAsid</c> as <c>claiming-asid</c>.</summary>
    public static string Word<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>
    /// Makes web-default <paramref name="options"/> Veil's: a value a record says is not nullable, or a constructor
    /// parameter without a default, must be there; enums are words, never numbers. The API's own options are set
    /// up by this too, so what it reads and writes is what every other process reads and writes.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
