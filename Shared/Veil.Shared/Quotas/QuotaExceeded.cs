using System.Globalization;

namespace Veil.Shared.Quotas;

/// <summary>A request that would take a project past one of its quotas: which one, and the numbers.</summary>
public sealed record QuotaExceeded(string Quota, int Requested, int Used, int Limit)
{
    /// <summary>In nova's words: <c>Quota exceeded for cores: requested 8, but already used 16 of 20 cores.</c></summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"Quota exceeded for {Quota}: requested {Requested}, but already used {Used} of {Limit} {QuotaNames.Unit(Quota)}.");
}
