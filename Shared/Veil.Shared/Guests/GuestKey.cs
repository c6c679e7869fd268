namespace Veil.Shared.Guests;

/// <summary>
/// The key pair a server is launched with (nova's <c>key_name</c>): its name and OpenSSH public key, written to the
/// config drive's <c>public_keys</c>, where cloud-init adds it to the default user's <c>authorized_keys</c>.
/// </summary>
public sealed record GuestKey(string Name, string PublicKey);
