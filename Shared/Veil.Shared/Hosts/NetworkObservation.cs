namespace Veil.Shared.Hosts;

/// <summary>What the probe found of the network a host's guests join.</summary>
/// <param name="Requirement">What is needed, in the operator's words ("libvirt network 'default', active").</param>
/// <param name="Met">Whether it is there; null when it could not be told.</param>
/// <param name="Observed">What the probe saw (libvirt's words where it spoke).</param>
/// <param name="Remedy">What to do when it is not met.</param>
public sealed record NetworkObservation(string Requirement, bool? Met, string Observed, string Remedy);
