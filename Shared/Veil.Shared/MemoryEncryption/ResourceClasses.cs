namespace Veil.Shared.MemoryEncryption;

/// <summary>Placement resource classes Veil uses.</summary>
public static class ResourceClasses
{
    /// <summary>One slot for an encrypted guest's key: ultimately one ASID on the host's secure processor.</summary>
    public const string MemEncryptionContext = "MEM_ENCRYPTION_CONTEXT";
}
