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

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
