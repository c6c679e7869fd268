namespace Veil.Shared.MemoryEncryption;

/// <summary>One key of a request, where it came from and its value (null when the key is absent).</summary>
public sealed record RequestValue(RequestSource Source, string Key, string? Value)
{
    /// <summary>Reads a key from a source's map.</summary>
    public static RequestValue From(RequestSource source, IReadOnlyDictionary<string, string> map, string key) =>
        new(source, key, map.TryGetValue(key, out var value) ? value : null);

    public bool IsSet => Value is not null;

    /// <summary>"flavor extra spec hw:mem_encryption='yes'", "image property hw_firmware_type (not set)".</summary>
    public string Describe()
    {
        var where = Source switch
        {
            RequestSource.Flavor => "flavor extra spec",
            RequestSource.Image => "image property",
            _ => "configured",
        };
        return Value is null ? $"{where} {Key} (not set)" : $"{where} {Key}='{Value}'";
    }

    public override string ToString() => Describe();
}
