using System.Security.Cryptography;
using System.Text;

namespace Veil.Orchestrations.Servers;

/// <summary>Server ids: random, or derived from a client's Idempotency-Key so a retried create names the same servers.</summary>
public static class ServerIds
{
    /// <summary>A name-based (version 5 layout, SHA-256) id for the i-th server of a keyed request in a project.</summary>
    public static Guid FromIdempotencyKey(string projectId, string key, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"veil-server\n{projectId}\n{key}\n{index}"));
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Whether a client's key is usable: 1-255 visible ASCII characters.</summary>
    public static bool IsValidKey(string key) => key.Length is >= 1 and <= 255 && key.All(c => c is > ' ' and < (char)0x7f);
}
