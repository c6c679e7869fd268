namespace Veil.Shared.Api;

/// <summary>
/// The end of a server's serial console, as its host last published it (nova's <c>os-getConsoleOutput</c>).
/// </summary>
/// <param name="Output">The text; empty when the guest has printed nothing yet (or its host has not published it).</param>
/// <param name="UpdatedAt">When the host last published it; null when it never has.</param>
/// <param name="Truncated">True when older output was left out (the host keeps the last 256 KiB, or fewer lines were asked for).</param>
public sealed record ConsoleLog(string Output, DateTimeOffset? UpdatedAt = null, bool Truncated = false);
