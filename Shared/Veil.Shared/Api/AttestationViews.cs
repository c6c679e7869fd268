using Veil.Shared.Attestation;

namespace Veil.Shared.Api;

/// <summary>
/// What a tenant checks an SEV-SNP server's attestation report against: the expected launch measurement with every
/// input to it, the policy and HOST_DATA the report must carry, what the measurement does not cover, and the
/// commands that fetch and verify a report inside the guest.
/// </summary>
public sealed record AttestationView(
    Guid ServerId,
    ExpectedMeasurement Expected,
    string? MeasurementBase64,
    string HostDataDescriptor,
    IReadOnlyList<string> Covers,
    IReadOnlyList<string> NotCovered,
    IReadOnlyList<string> GuestCommands,
    string Advisory);

/// <summary>
/// A report to check: <see cref="Report"/> is the 1184-byte report as base64, or as hex; <see cref="Vcek"/> the VCEK
/// certificate as PEM, or DER as base64; <see cref="Nonce"/> the REPORT_DATA the tenant asked for, as hex (up to 64
/// bytes, zero-padded); <see cref="Chain"/> an ASK and ARK as PEM, if the tenant wants their own used (it must be AMD's);
/// <see cref="Vmpl"/> the VMPL the report was asked for (snpguest's <c>-v</c>, 1 by default).
/// </summary>
public sealed record VerifyAttestationRequest(string Report, string Vcek, string? Nonce = null, string? Chain = null, uint? Vmpl = null);

/// <summary>The checker's answer: each check passed or failed with both values, and the report's decoded fields.</summary>
public sealed record AttestationVerdictView(bool Passed, string Product, IReadOnlyList<AttestationCheck> Checks, IReadOnlyDictionary<string, string> Fields, string Advisory);
