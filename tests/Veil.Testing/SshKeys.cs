using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Veil.Testing;

/// <summary>OpenSSH public key lines for tests, made as ssh-keygen writes them (the private half is never needed).</summary>
public static class SshKeys
{
    /// <summary>A fresh ed25519 public key line: <c>ssh-ed25519 AAAA… comment</c>.</summary>
    public static string Ed25519(string comment = "tenant@laptop") =>
        $"ssh-ed25519 {Convert.ToBase64String(Blob(Encoding.ASCII.GetBytes("ssh-ed25519"), RandomNumberGenerator.GetBytes(32)))} {comment}";

    /// <summary>An ssh-rsa public key line with a modulus of <paramref name="bits"/> bits.</summary>
    public static string Rsa(int bits)
    {
        using var rsa = RSA.Create(bits);
        var parameters = rsa.ExportParameters(false);
        return $"ssh-rsa {Convert.ToBase64String(Blob(Encoding.ASCII.GetBytes("ssh-rsa"), parameters.Exponent!, [0, .. parameters.Modulus!]))} rsa@test";
    }

    /// <summary>SSH wire-format strings, one after the other.</summary>
    public static byte[] Blob(params byte[][] strings)
    {
        var blob = new List<byte>();
        foreach (var s in strings)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)s.Length);
            blob.AddRange(length);
            blob.AddRange(s);
        }

        return [.. blob];
    }
}
