namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// The two ASID pools of an AMD host. Below the BIOS's minimum SEV ASID lie the slots SEV-ES and SEV-SNP guests
/// share (libvirt's <c>maxESGuests</c>); from it upwards lie the plain SEV slots (<c>maxGuests</c>).
/// </summary>
public enum AsidPool
{
    /// <summary>Plain SEV slots, counted by domain capabilities' <c>maxGuests</c>.</summary>
    Sev,

    /// <summary>SEV-ES and SEV-SNP slots, counted by domain capabilities' <c>maxESGuests</c>.</summary>
    EncryptedState,
}
