namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// What a valid request asks of placement and of the host. <see cref="Model"/> is null when no encryption was
/// requested; then <see cref="Resources"/> and <see cref="RequiredTraits"/> are empty.
/// </summary>
/// <param name="Model">The model to launch with, or null.</param>
/// <param name="Resources">Resource amounts to allocate: <c>MEM_ENCRYPTION_CONTEXT=1</c> when encrypted.</param>
/// <param name="RequiredTraits">Traits the host's provider tree must have.</param>
/// <param name="MachineType">The machine type the guest will get (image, else configuration, else q35 for
/// encrypted guests); null for an unencrypted guest with none configured.</param>
/// <param name="Checks">Each rule that was checked and passed, in words, for the Portal's review step.</param>
public sealed record MemoryEncryptionResolution(
    MemoryEncryptionModel? Model,
    IReadOnlyDictionary<string, int> Resources,
    IReadOnlyList<string> RequiredTraits,
    string? MachineType,
    IReadOnlyList<string> Checks)
{
    public bool IsRequested => Model is not null;
}
