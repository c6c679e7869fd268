using System.Security.Cryptography;
using System.Text;

namespace Veil.Shared.Attestation;

/// <summary>
/// The HOST_DATA Veil gives every SEV-SNP guest at launch (libvirt <c>&lt;hostData&gt;</c>): SHA-256 of
/// <c>veil-server:&lt;server id&gt;</c>, so that a report names the server it came from. Not part of the launch digest;
/// the PSP copies it into every report, and the guest cannot change it. A tenant recomputes it with
/// <c>printf 'veil-server:%s' &lt;server id&gt; | sha256sum</c>.
/// </summary>
public static class ServerHostData
{
    public static byte[] Of(Guid serverId) => SHA256.HashData(Encoding.UTF8.GetBytes(Descriptor(serverId)));

    /// <summary>The text that is hashed.</summary>
    public static string Descriptor(Guid serverId) => $"veil-server:{serverId:D}";
}
