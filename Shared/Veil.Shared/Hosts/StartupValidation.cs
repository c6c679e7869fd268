using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>
/// The SEV-SNP spec's start-up check, generalised as NOVA-RULES.md asks: a host that already runs guests of a model
/// it no longer supports (notably SEV-ES guests once SEV-SNP is enabled) refuses to start, and touches nothing.
/// </summary>
public static class StartupValidation
{
    /// <summary>Null when the host may start; otherwise the message that tells the operator what to do.</summary>
    public static string? Refusal(HostCapabilities capabilities, IEnumerable<DefinedGuest> guests)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(guests);
        var stranded = guests
            .Where(g => g.Model is { } m && !capabilities.Supports(m))
            .GroupBy(g => g.Model!.Value)
            .OrderBy(g => g.Key)
            .ToList();
        if (stranded.Count == 0)
        {
            return null;
        }

        var parts = stranded.Select(group =>
        {
            var model = group.Key;
            var names = string.Join(", ", group.Select(g => g.Name).Order(StringComparer.Ordinal));
            var count = group.Count();
            var guestsText = $"{count} guest{(count == 1 ? "" : "s")} with {model.Info().DisplayName} encryption ({names})";
            if (model == MemoryEncryptionModel.AmdSevEs && capabilities.SnpEnabled)
            {
                return $"SEV-SNP is enabled on host {capabilities.HostName}, but it has {guestsText}. " +
                    "Firmware that enables SEV-SNP disables SEV-ES (CVE-2025-48514), so these guests cannot run here. " +
                    "Disable SEV-SNP in the BIOS, or migrate or delete these SEV-ES guests before enabling SEV-SNP.";
            }

            var why = string.Join("; ", capabilities.Blocking(model).Select(c => $"{c.Id}: {c.Observed}"));
            return $"Host {capabilities.HostName} has {guestsText}, but no longer supports {model.Info().DisplayName} ({why}). " +
                $"Re-enable {model.Info().DisplayName} on this host, or move or delete these guests first.";
        });
        return "Refusing to start: " + string.Join(" ", parts) + " Nothing on the host was changed.";
    }
}
