using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Contracts;

/// <summary>A domain defined on a host, as the host lists them for reconciliation.</summary>
public sealed record HostDomain(Guid ServerId, string Name, MemoryEncryptionModel? Model, string State);

/// <summary>Every domain a host has, at one moment (blob <c>veil-hosts/&lt;host&gt;/domains.json</c>).</summary>
public sealed record HostDomains(string HostName, DateTimeOffset At, IReadOnlyList<HostDomain> Domains);
