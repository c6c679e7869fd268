namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// A flavor/image combination that cannot boot as asked. Carries every problem found, not only the first, so a
/// person can fix them all in one go.
/// </summary>
public sealed class MemoryEncryptionRequestException : Exception
{
    public MemoryEncryptionRequestException(IReadOnlyList<MemoryEncryptionProblem> problems)
        : base(Join(problems)) => Problems = problems;

    public MemoryEncryptionRequestException()
        : this([])
    {
    }

    public MemoryEncryptionRequestException(string message)
        : base(message) => Problems = [];

    public MemoryEncryptionRequestException(string message, Exception innerException)
        : base(message, innerException) => Problems = [];

    /// <summary>The problems, at least one when thrown by the resolver.</summary>
    public IReadOnlyList<MemoryEncryptionProblem> Problems { get; }

    private static string Join(IReadOnlyList<MemoryEncryptionProblem> problems) =>
        problems.Count == 0 ? "The memory-encryption request is invalid." : string.Join(" ", problems.Select(p => p.Message));
}
