using Veil.Shared.Quotas;

namespace Veil.Shared.Api;

/// <summary>A project's quotas as the API shows them (nova's quota set with usage): the limits, what its live
/// servers hold, and whether an admin set the limits (otherwise they are the configured defaults).</summary>
public sealed record QuotaView(string ProjectId, QuotaSet Limits, QuotaSet Usage, bool SetByAdmin);
