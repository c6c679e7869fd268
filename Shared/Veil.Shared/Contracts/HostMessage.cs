using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Veil.Shared.Contracts;

/// <summary>What a host says on the events queue, beside a command's outcome.</summary>
public enum HostMessageKind
{
    /// <summary>A command's outcome or acceptance: a <see cref="HostEvent"/>.</summary>
    Outcome,

    /// <summary>The host's report after a probe: a <see cref="HostReport"/>.</summary>
    Report,

    /// <summary>The host is alive: a <see cref="HostHeartbeat"/>.</summary>
    Heartbeat,

    /// <summary>A command the host could not read, kept with why: a <see cref="Api.ParkedMessage"/>.</summary>
    Parked,
}

/// <summary>A host's heartbeat: when it was alive.</summary>
public sealed record HostHeartbeat(DateTimeOffset At);

/// <summary>
/// Every message a host puts on the events queue, signed with its credential's key: the Orchestrations side takes a
/// message only from an enrolled host, at the generation it was enrolled with, and only what that host may say of
/// itself (an outcome or report naming another host is refused). <see cref="Payload"/> is the JSON of what
/// <see cref="Kind"/> says, kept as text so that the signature covers exactly the bytes sent.
/// </summary>
public sealed record HostMessage(string Host, int Generation, HostMessageKind Kind, string Payload, string Signature)
{
    /// <summary>The message <paramref name="credential"/>'s host sends to say <paramref name="payload"/>.</summary>
    public static HostMessage Sign<T>(HostCredential credential, HostMessageKind kind, T payload)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var key = credential.KeyBytes() ?? throw new ArgumentException("The credential's key is not usable.", nameof(credential));
        return Sign(credential.HostName, credential.Generation, key, kind, payload);
    }

    /// <summary>The message <paramref name="host"/> sends to say <paramref name="payload"/>, signed with <paramref name="key"/>.</summary>
    public static HostMessage Sign<T>(string host, int generation, byte[] key, HostMessageKind kind, T payload) =>
        SignText(host, generation, key, kind, JsonSerializer.Serialize(payload, VeilJson.Options));

    /// <summary>As <see cref="Sign{T}(string, int, byte[], HostMessageKind, T)"/>, with the payload's JSON as it is given.</summary>
    public static HostMessage SignText(string host, int generation, byte[] key, HostMessageKind kind, string payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(payload);
        return new HostMessage(host, generation, kind, payload, Convert.ToBase64String(Mac(key, host, generation, kind, payload)));
    }

    /// <summary>Whether the signature is this message's under <paramref name="key"/> (compared in fixed time).</summary>
    public bool IsSignedWith(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var given = new byte[Signature.Length];
        return Convert.TryFromBase64String(Signature, given, out var length)
            && CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), Mac(key, Host, Generation, Kind, Payload));
    }

    /// <summary>The payload read as <typeparamref name="T"/>.</summary>
    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload, VeilJson.Options) ?? throw new JsonException("the payload is JSON null");

    private static byte[] Mac(byte[] key, string host, int generation, HostMessageKind kind, string payload) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"veil-host-message\n{host}\n{generation}\n{VeilJson.Word(kind)}\n{payload}"));
}
