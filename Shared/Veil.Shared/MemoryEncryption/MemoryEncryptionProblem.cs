namespace Veil.Shared.MemoryEncryption;

/// <summary>One reason a request was rejected: what is wrong, with which values, and what to change.</summary>
/// <param name="Code">The kind of problem.</param>
/// <param name="Message">A sentence naming the key(s), value(s) and source(s) and saying what to change.</param>
/// <param name="Offenders">The values at fault, so a form can put the message next to the right field.</param>
public sealed record MemoryEncryptionProblem(
    MemoryEncryptionProblemCode Code,
    string Message,
    IReadOnlyList<RequestValue> Offenders);
