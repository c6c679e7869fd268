using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Veil.Shared.Guests;

/// <summary>
/// An OpenSSH public key line, <c>&lt;type&gt; &lt;base64 key&gt; [comment]</c>, as <c>ssh-keygen</c> writes it into
/// <c>id_*.pub</c>: read far enough to know it is a key of the type it says, and to give its fingerprint as
/// <c>ssh-keygen -l</c> prints it (<c>SHA256:…</c>).
/// </summary>
public sealed record OpenSshPublicKey(string Type, string Fingerprint, string Line)
{
    /// <summary>The longest key line taken: a 16384-bit RSA key's is under 3 KiB.</summary>
    public const int MaxLength = 8 * 1024;

    /// <summary>RSA keys shorter than this are refused, as OpenSSH itself has refused them since 8.8.</summary>
    public const int MinRsaBits = 2048;

    private static readonly string[] Types =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    /// <summary>The key, or why <paramref name="text"/> is not one a guest could be logged into with.</summary>
    public static (OpenSshPublicKey? Key, string? Problem) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "the public key is empty; paste one line of an id_*.pub file (ssh-ed25519 AAAA… you@host).");
        }

        if (text.Length > MaxLength)
        {
            return (null, $"the public key is {text.Length} characters; at most {MaxLength} are allowed.");
        }

        var line = text.Trim();
        if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
        {
            return (null, "the public key must be one line; give each key its own key pair.");
        }

        var fields = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (line.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return (null, "this is a PEM block (a private key?); give the OpenSSH public key, one line of an id_*.pub file.");
        }

        if (!Types.Contains(fields[0]))
        {
            return (null, $"the key type '{fields[0]}' is not one of {string.Join(", ", Types)}.");
        }

        if (fields.Length < 2)
        {
            return (null, $"the line has the type '{fields[0]}' but no key after it.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(fields[1]);
        }
        catch (FormatException)
        {
            return (null, $"the key after '{fields[0]}' is not base64.");
        }

        var reader = new SshReader(blob);
        if (reader.String() is not { } inner || System.Text.Encoding.ASCII.GetString(inner) != fields[0])
        {
            return (null, $"the key's data does not say '{fields[0]}': it is damaged or of another type.");
        }

        if (KeyProblem(fields[0], reader) is { } problem)
        {
            return (null, problem);
        }

        var fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
        return (new OpenSshPublicKey(fields[0], fingerprint, line), null);
    }

    private static string? KeyProblem(string type, SshReader reader)
    {
        switch (type)
        {
            case "ssh-ed25519":
                return reader.String() is { Length: 32 } ? null : "the ed25519 key is not 32 bytes long: it is damaged.";
            case "ssh-rsa":
                var exponent = reader.String();
                if (exponent is null || reader.String() is not { } modulus)
                {
                    return "the RSA key is cut short: it is damaged.";
                }

                var bits = modulus.SkipWhile(b => b == 0).Count() * 8;
                return bits < MinRsaBits ? $"the RSA key has {bits} bits; use at least {MinRsaBits} (or ed25519)." : null;
            default:
                var curve = reader.String();
                return curve is null || reader.String() is null ? $"the {type} key is cut short: it is damaged." : null;
        }
    }

    /// <summary>Reads SSH wire-format strings (a big-endian length, then that many bytes).</summary>
    private sealed class SshReader(byte[] data)
    {
        private int offset;

        public byte[]? String()
        {
            if (data.Length - offset < 4)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            if (length > data.Length - offset - 4)
            {
                return null;
            }

            var value = data.AsSpan(offset + 4, (int)length).ToArray();
            offset += 4 + (int)length;
            return value;
        }
    }
}
