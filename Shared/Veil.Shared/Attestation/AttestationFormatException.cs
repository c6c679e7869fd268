namespace Veil.Shared.Attestation;

/// <summary>An attestation input (a report, a certificate, a nonce) that cannot be read, naming which and why.</summary>
public sealed class AttestationFormatException(string input, string message) : FormatException(message)
{
    /// <summary>Which input: <c>report</c>, <c>vcek</c>, <c>chain</c> or <c>nonce</c>.</summary>
    public string Input { get; } = input;
}
