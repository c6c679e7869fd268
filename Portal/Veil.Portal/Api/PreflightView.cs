namespace Veil.Portal.Api;

/// <summary>The preflight's answer: what the request resolves to, or the problem that stops it.</summary>
public sealed record PreflightView(string? Model, IReadOnlyList<string> RequiredTraits, IReadOnlyList<string> Checks, string? Problem)
{
    /// <summary>What the host must offer, in words ("SEV-SNP and stateless firmware"), or null when any host will do.</summary>
    public string? HostNeeds => RequiredTraits.Count == 0 ? null : string.Join(" and ", RequiredTraits.Select(Veil.Shared.MemoryEncryption.Traits.InWords));
}
