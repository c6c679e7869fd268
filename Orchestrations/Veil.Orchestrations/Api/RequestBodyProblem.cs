using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Veil.Orchestrations.Api;

/// <summary>
/// What is wrong with a request body the JSON reader refused, in the caller's words: the field (as a JSON path
/// without <c>$.</c>) and what it must be ("count must be an integer from 1 to 50"), never a .NET type name. The
/// field's type is found by walking the path through the endpoint's body type as the API's serializer sees it; a
/// <see cref="RangeAttribute"/> on the property adds its bounds.
/// </summary>
public static partial class RequestBodyProblem
{
    /// <summary>A body sent as anything but JSON (the framework answers 415 without a word of why).</summary>
    public static (string Field, string Detail) NotJson { get; } = ("body", "The body must be JSON: send it with Content-Type: application/json.");

    /// <summary>The field and the sentence for <paramref name="error"/>, met reading a <paramref name="bodyType"/>.</summary>
    public static (string Field, string Detail) Describe(Type? bodyType, JsonException error, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(options);
        var segments = Segments(error.Path);
        var field = segments.Count == 0 ? "body" : string.Join(".", segments);
        var message = error.Message;
        if (Missing().Match(message) is { Success: true } missing)
        {
            var names = Quoted().Matches(missing.Groups[1].Value).Select(m => string.Join(".", segments.Append(m.Groups[1].Value))).ToList();
            return names.Count == 1
                ? (names[0], $"{names[0]} is required.")
                : (names[0], $"{string.Join(", ", names[..^1])} and {names[^1]} are required.");
        }

        if (message.Contains("doesn't allow null values", StringComparison.Ordinal) || message.Contains("cannot be null", StringComparison.Ordinal))
        {
            return (field, $"{field} must not be null; leave it out instead.");
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var (type, property) = Walk(bodyType, segments, options);
            return (field, type is null ? $"{field} has the wrong type." : $"{(segments.Count == 0 ? "The body" : field)} must be {InWords(type, property, options)}.");
        }

        // The JSON itself is broken: the reader's own sentence names the character, without its path and position suffix.
        var reason = Suffix().Replace(message, "").Trim();
        var at = error.LineNumber is { } line && error.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {position + 1})")
            : "";
        return (field, $"The request body is not valid JSON{at}: {TypeName().Replace(reason, "a value")}");
    }

    /// <summary>
    /// What a request the framework could not bind says, in the caller's words: an empty body, a body that is not
    /// JSON, a query or route value of the wrong type. Null when <paramref name="message"/> is none of these.
    /// </summary>
    public static (string Field, string Detail)? DescribeBinding(string message, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (statusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return NotJson;
        }

        if (message.Contains("no body was provided", StringComparison.Ordinal) || message.Contains("was not provided from body", StringComparison.Ordinal))
        {
            return ("body", "A JSON body is required.");
        }

        if (Unbound().Match(message) is { Success: true } unbound)
        {
            // "int? length", "Nullable<int> length", "Int32 length": the framework's own spelling of the type.
            var type = unbound.Groups["type"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>').ToLowerInvariant() switch
            {
                "int" or "int32" => typeof(int),
                "long" or "int64" => typeof(long),
                "short" or "int16" => typeof(short),
                "bool" or "boolean" => typeof(bool),
                "guid" => typeof(Guid),
                "datetimeoffset" => typeof(DateTimeOffset),
                "datetime" => typeof(DateTime),
                _ => null,
            };
            var words = type is null ? null : ScalarInWords(type, null);
            return (unbound.Groups["name"].Value, $"{unbound.Groups["name"].Value} must be {words ?? "a value of another kind"}; '{unbound.Groups["value"].Value}' is not.");
        }

        return null;
    }

    /// <summary><c>$.metadata['a.b'].x</c> → <c>metadata</c>, <c>a.b</c>, <c>x</c>; array indexes are kept as <c>[0]</c>.</summary>
    internal static IReadOnlyList<string> Segments(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return [];
        }

        return PathPart().Matches(path).Select(m => m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Success ? m.Groups["quoted"].Value : $"[{m.Groups["index"].Value}]").ToList();
    }

    private static (Type? Type, ICustomAttributeProvider? Property) Walk(Type? type, IReadOnlyList<string> segments, JsonSerializerOptions options)
    {
        ICustomAttributeProvider? property = null;
        foreach (var segment in segments)
        {
            if (type is null)
            {
                return (null, null);
            }

            var info = options.GetTypeInfo(type);
            (type, property) = info.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase)) is { } p ? (p.PropertyType, p.AttributeProvider) : (null, null),
                JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable => (info.ElementType, null),
                _ => (null, null),
            };
        }

        return (type, property);
    }

    /// <summary>A JSON type as a sentence's object: "an integer from 1 to 50", "an object whose every value is a string".</summary>
    internal static string InWords(Type type, ICustomAttributeProvider? property, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ScalarInWords(type, property) is { } scalar)
        {
            return scalar;
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Dictionary => $"an object whose every value is {InWords(info.ElementType!, null, options)}",
            JsonTypeInfoKind.Enumerable => $"an array whose every item is {InWords(info.ElementType!, null, options)}",
            JsonTypeInfoKind.Object => "an object",
            _ => "a JSON value of another kind",
        };
    }

    /// <summary>A JSON scalar (number, string, boolean, or a string-encoded UUID, time or enum) in words; null for anything else.</summary>
    private static string? ScalarInWords(Type type, ICustomAttributeProvider? property)
    {
        var range = property?.GetCustomAttributes(typeof(RangeAttribute), true).OfType<RangeAttribute>().FirstOrDefault();
        var bounds = range is null ? "" : string.Create(CultureInfo.InvariantCulture, $" from {range.Minimum} to {range.Maximum}");
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.KebabCaseLower.ConvertName(n)));
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: return "true or false";
            case TypeCode.String or TypeCode.Char: return "a string";
            case TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64:
                return "an integer" + bounds;
            case TypeCode.Single or TypeCode.Double or TypeCode.Decimal: return "a number" + bounds;
            case TypeCode.DateTime: return "a date and time (ISO 8601)";
        }

        if (type == typeof(Guid))
        {
            return "a UUID";
        }

        if (type == typeof(DateTimeOffset))
        {
            return "a date and time (ISO 8601)";
        }

        return type == typeof(TimeSpan) ? "a duration (hh:mm:ss)" : null;
    }

    [GeneratedRegex("Failed to bind parameter \"(?<type>[^\" ]+) (?<name>[^\"]+)\" from \"(?<value>.*)\"")]
    private static partial Regex Unbound();

    [GeneratedRegex(@"missing required properties including: ((?:'[^']+'(?:, )?)+)")]
    private static partial Regex Missing();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\s*(Path: \$.*|LineNumber: .*)$")]
    private static partial Regex Suffix();

    [GeneratedRegex(@"\b(System|Veil|Microsoft)\.[\w.`\[\], ]+")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathPart();
}
