namespace Veil.Shared.Contracts;

/// <summary>Why a host command did not succeed, for programs; written as kebab-case words (<c>invalid-guest</c>).</summary>
public enum HostFailureCode
{
    /// <summary>The guest breaks the rules (memory encryption, names, sizes): no host could define it.</summary>
    InvalidGuest,

    /// <summary>This host does not offer the guest's memory-encryption model (its checklist says why).</summary>
    ModelNotSupported,

    /// <summary>The host has no domain for the server.</summary>
    NotFound,

    /// <summary>The action is not possible for an encrypted guest (nova refuses it too: suspend, live migration).</summary>
    NotAllowedForEncryptedGuest,

    /// <summary>Veil does not offer the action at all.</summary>
    NotSupported,

    /// <summary>libvirt refused or failed; the message carries its words.</summary>
    Libvirt,

    /// <summary>An image file could not be fetched to the host (missing, unreadable, storage refused).</summary>
    ImageUnavailable,

    /// <summary>An image file's size or SHA-256 is not what the image says: it was not used.</summary>
    ImageMismatch,

    /// <summary>The image's disk is larger than the flavor's (nova's FlavorDiskSmallerThanImage), as the fetched file's header says.</summary>
    FlavorDiskSmallerThanImage,

    /// <summary>The guest's config drive could not be built (the host's <c>genisoimage</c> is missing or failed).</summary>
    ConfigDriveFailed,

    /// <summary>The host defined the guest but cannot start its memory-encryption model (firmware, QEMU, kernel).</summary>
    HostCannotStartModel,

    /// <summary>A domain with the server's UUID exists but is not Veil's (its name is not <c>veil-&lt;uuid&gt;</c>): the host leaves it alone.</summary>
    NotVeilsDomain,

    /// <summary>A spawn issued before a destroy of the same server that the host already carried out: it arrived late, and is not carried out.</summary>
    DestroyedSince,
}

/// <summary>Why a host command did not succeed.</summary>
/// <param name="Code">What kind of failure, for programs.</param>
/// <param name="Message">For people: what went wrong, with libvirt's own words where it spoke.</param>
public sealed record HostFailure(HostFailureCode Code, string Message)
{
    /// <summary>The code as it is written on the wire: <c>invalid-guest</c>.</summary>
    public string CodeWord => VeilJson.Word(Code);

    /// <summary>"code: message", as the server's fault quotes a host.</summary>
    public override string ToString() => $"{CodeWord}: {Message}";
}
