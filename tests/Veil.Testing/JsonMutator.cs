using System.Text;
using System.Text.Json.Nodes;

namespace Veil.Testing;

/// <summary>
/// Turns a valid JSON message into the kinds of wrong a queue can deliver: missing or renamed properties, wrong
/// types, hostile strings, unknown enum words, truncation, garbage, deep nesting. Seeded, so a failure repeats.
/// </summary>
public sealed class JsonMutator(int seed)
{
    private static readonly JsonNode?[] HostileValues =
    [
        null, 42, -1, true, "", " ", "x", new string('a', 20_000), "../../../etc/passwd", "<domain type='kvm'>&amp;</domain>",
        "\u0000\u001f\u202e", "🙂\u200d", "00000000-0000-0000-0000-000000000000", "not-a-guid", "9999-99-99", "NaN", "1e309",
        long.MaxValue, double.MinValue, new JsonArray(), new JsonObject(), new JsonArray(1, "two", null), new JsonObject { ["$type"] = "System.IO.File" },
    ];

    private readonly Random random = new(seed);

    /// <summary>The text as it was (about one time in six), or mutated once or twice.</summary>
    public string Mutate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json;
        var rounds = random.Next(6) == 0 ? 0 : random.Next(1, 3);
        for (var i = 0; i < rounds; i++)
        {
            text = MutateOnce(text);
        }

        return text;
    }

    private string MutateOnce(string text)
    {
        switch (random.Next(10))
        {
            case 0:
                return text[..random.Next(text.Length)];
            case 1:
                return Garbage();
            case 2:
                var depth = random.Next(50, 2000);
                return new string('[', depth) + new string(']', depth);
            case 3:
                return text.Replace("\"", random.Next(2) == 0 ? "'" : "", StringComparison.Ordinal);
            default:
                break;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return text + Garbage();
        }

        if (root is not JsonObject)
        {
            return Garbage();
        }

        var objects = Objects(root).ToList();
        var target = objects[random.Next(objects.Count)];
        var names = target.Select(p => p.Key).ToList();
        if (names.Count == 0)
        {
            target["unexpected"] = Pick();
            return root.ToJsonString();
        }

        var name = names[random.Next(names.Count)];
        switch (random.Next(5))
        {
            case 0:
                target.Remove(name);
                break;
            case 1:
                var value = target[name];
                target.Remove(name);
                target[name.ToUpperInvariant() + "_"] = value;
                break;
            case 2:
                target[name] = target[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s + "-unknown-word" : Pick();
                break;
            default:
                target[name] = Pick();
                break;
        }

        return root.ToJsonString();
    }

    private JsonNode? Pick() => HostileValues[random.Next(HostileValues.Length)]?.DeepClone();

    private string Garbage()
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        // Queue messages travel in XML, so text a queue can carry: no control characters but tab and newlines.
        return random.Next(2) == 0 ? Convert.ToBase64String(bytes) : new string(Encoding.Latin1.GetString(bytes).Select(c => c < ' ' && c is not ('\t' or '\n' or '\r') ? '?' : c).ToArray());
    }

    private static IEnumerable<JsonObject> Objects(JsonNode node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var child in o.Select(p => p.Value).Where(v => v is not null))
            {
                foreach (var inner in Objects(child!))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var inner in a.Where(v => v is not null).SelectMany(v => Objects(v!)))
            {
                yield return inner;
            }
        }
    }
}
