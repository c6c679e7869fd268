namespace Veil.Portal.Api;

/// <summary>The preflight's answer: what the request resolves to, or the problem that stops it.</summary>
public sealed record PreflightView(string? Model, IReadOnlyList<string> RequiredTraits, IReadOnlyList<string> Checks, string? Problem);
