namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// The resolver's answer: what a request resolves to, or every problem that stops it (never both). Callers that
/// show problems read <see cref="Problems"/>; callers for which a bad request is a defect call <see cref="OrThrow"/>.
/// </summary>
public sealed record MemoryEncryptionCheck
{
    private MemoryEncryptionCheck(MemoryEncryptionResolution? resolution, IReadOnlyList<MemoryEncryptionProblem> problems) =>
        (Resolution, Problems) = (resolution, problems);

    /// <summary>The resolution; null exactly when there are problems.</summary>
    public MemoryEncryptionResolution? Resolution { get; }

    /// <summary>Every problem found, each naming key, value, source and fix; empty when the request resolved.</summary>
    public IReadOnlyList<MemoryEncryptionProblem> Problems { get; }

    public bool IsValid => Resolution is not null;

    /// <summary>The problems as one text (empty when valid).</summary>
    public string Message => string.Join(" ", Problems.Select(p => p.Message));

    public static MemoryEncryptionCheck Valid(MemoryEncryptionResolution resolution) => new(resolution, []);

    public static MemoryEncryptionCheck Invalid(IReadOnlyList<MemoryEncryptionProblem> problems) =>
        problems.Count > 0 ? new(null, problems) : throw new ArgumentException("An invalid request has at least one problem.", nameof(problems));

    /// <exception cref="MemoryEncryptionRequestException">The request has problems.</exception>
    public MemoryEncryptionResolution OrThrow() => Resolution ?? throw new MemoryEncryptionRequestException(Problems);
}
