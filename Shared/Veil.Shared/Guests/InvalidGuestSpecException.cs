namespace Veil.Shared.Guests;

/// <summary>A guest that cannot be defined as given; the message names each field at fault and why.</summary>
public sealed class InvalidGuestSpecException : Exception
{
    public InvalidGuestSpecException(IReadOnlyList<string> problems)
        : base(string.Join(" ", problems)) => Problems = problems;

    public InvalidGuestSpecException()
        : this(["The guest is invalid."])
    {
    }

    public InvalidGuestSpecException(string message)
        : base(message) => Problems = [message];

    public InvalidGuestSpecException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    public IReadOnlyList<string> Problems { get; }
}
