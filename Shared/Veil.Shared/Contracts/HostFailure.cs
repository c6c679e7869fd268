namespace Veil.Shared.Contracts;

/// <summary>Why a host command did not succeed.</summary>
/// <param name="Code">A stable word for programs: <c>invalid-guest</c>, <c>model-not-supported</c>, <c>not-found</c>,
/// <c>not-allowed-for-encrypted-guest</c>, <c>not-supported</c>, <c>libvirt</c>.</param>
/// <param name="Message">For people: what went wrong, with libvirt's own words where it spoke.</param>
public sealed record HostFailure(string Code, string Message);
