using Veil.Shared.Hosts;

namespace Veil.Shared.Contracts;

/// <summary>What a host publishes about itself after every probe; the heartbeat is kept beside it.</summary>
/// <param name="HostName">The host.</param>
/// <param name="Status">Ready, or refused at start-up.</param>
/// <param name="Capabilities">Models, provider tree, checklist and warnings.</param>
/// <param name="Versions">libvirt, QEMU and kernel as probed.</param>
/// <param name="LibvirtUri">The hypervisor connection (<c>test:///…</c> for a simulated host).</param>
/// <param name="Simulated">Read from a fixture rather than a real host.</param>
/// <param name="StartedAt">When this worker process started.</param>
/// <param name="ProbedAt">When the facts were read.</param>
/// <param name="Refusal">The start-up refusal's message, for the operator.</param>
/// <param name="HypervisorType">libvirt's domain type for its guests: <c>kvm</c>, <c>qemu</c> (TCG) or <c>test</c>;
/// what an image's <c>img_hv_type</c> is matched against.</param>
/// <param name="ImageCache">The image files the host has fetched and verified, by SHA-256.</param>
public sealed record HostReport(
    string HostName,
    HostStatus Status,
    HostCapabilities Capabilities,
    HostVersions Versions,
    string LibvirtUri,
    bool Simulated,
    DateTimeOffset StartedAt,
    DateTimeOffset ProbedAt,
    string? Refusal = null,
    string? HypervisorType = null,
    IReadOnlyList<CachedImageFile>? ImageCache = null);

/// <summary>An image file a host holds in its cache, verified: its SHA-256 and length.</summary>
public sealed record CachedImageFile(string Sha256, long SizeBytes);

/// <summary>Versions as probed; null where they could not be read.</summary>
public sealed record HostVersions(string? Libvirt, string? Qemu, string? Kernel);
