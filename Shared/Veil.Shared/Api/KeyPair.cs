namespace Veil.Shared.Api;

/// <summary>
/// A key pair of a user (nova's <c>os-keypairs</c>): the OpenSSH public key they uploaded, by name; a server launched
/// with its name (<c>keyName</c>) lets the matching private key log in. Veil never sees the private key.
/// </summary>
public sealed record KeyPair
{
    public required string Name { get; init; }

    public required string PublicKey { get; init; }

    /// <summary>The key's type, as its line starts: <c>ssh-ed25519</c>, <c>ssh-rsa</c>, <c>ecdsa-sha2-nistp256</c>, ….</summary>
    public required string Type { get; init; }

    /// <summary>As <c>ssh-keygen -l</c> prints it: <c>SHA256:</c> and the base64 SHA-256 of the key.</summary>
    public required string Fingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Body of <c>POST /api/keypairs</c>: a name and one line of an <c>id_*.pub</c> file.</summary>
public sealed record CreateKeyPairRequest(string? Name, string? PublicKey);
