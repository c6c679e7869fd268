namespace Veil.Shared.Contracts;

/// <summary>
/// What one enrolled host holds instead of the storage account's key, issued by the Orchestrations side (an admin's
/// enroll or rotate): shared access signatures for only what the host may touch, and the key it signs its messages
/// with. Kept by the host in a file only its user reads (<c>HostWorker:CredentialFile</c>).
/// </summary>
/// <param name="HostName">The host it was issued to: its messages must name it.</param>
/// <param name="Generation">Counts enrollments of the name: a rotated credential has the next one, and the last one's stop working.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ExpiresOn">When its signatures stop working: rotate before.</param>
/// <param name="Commands">Its own command queue <c>host-&lt;name&gt;</c>: read, take and renew messages (a stored access policy, revocable).</param>
/// <param name="Events">The events queue: add only.</param>
/// <param name="Container">Its own container <c>veil-host-&lt;name&gt;</c>: name lease, domain list, console logs (a stored access policy, revocable).</param>
/// <param name="Images">The image files: read only.</param>
/// <param name="Key">The base64 HMAC-SHA256 key its messages are signed with (<see cref="HostMessage"/>).</param>
public sealed record HostCredential(
    string HostName,
    int Generation,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresOn,
    Uri Commands,
    Uri Events,
    Uri Container,
    Uri Images,
    string Key)
{
    /// <summary>The key's bytes; null when it is not base64 of 32 bytes or more.</summary>
    public byte[]? KeyBytes()
    {
        var bytes = new byte[Key.Length];
        return Convert.TryFromBase64String(Key, bytes, out var length) && length >= 32 ? bytes[..length] : null;
    }

    /// <summary>Writes the credential to <paramref name="path"/> as JSON, readable by its owner only from its first moment.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using (var file = new FileStream(path, Hosts.OwnerOnlyFile.Options(new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write })))
        {
            System.Text.Json.JsonSerializer.Serialize(file, this, VeilJson.Options);
        }

        Hosts.OwnerOnlyFile.Restrict(path);
    }

    /// <summary>What is wrong with a credential that parsed as JSON; null when it is usable.</summary>
    public string? Problem() => this switch
    {
        { HostName.Length: 0 } => "hostName is empty",
        { Generation: < 1 } => "generation must be 1 or more",
        _ when KeyBytes() is null => "key is not base64 of a 32-byte key or longer",
        _ when new[] { Commands, Events, Container, Images }.Any(u => !u.IsAbsoluteUri || u.Scheme is not ("http" or "https")) =>
            "commands, events, container and images must be absolute http or https URLs",
        _ when new[] { Commands, Events, Container, Images }.Any(u => !u.Query.Contains("sig=", StringComparison.Ordinal)) =>
            "commands, events, container and images must each carry a shared access signature (sig=)",
        _ => null,
    };
}
