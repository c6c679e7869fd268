using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Veil.Shared.Attestation;

/// <summary>What a report from a given server must carry, as Veil launched it; null fields are not checked.</summary>
/// <param name="Measurement">The expected launch digest.</param>
/// <param name="Policy">The guest policy Veil set (the report must carry it exactly; debug and migration are checked apart).</param>
/// <param name="HostData">The 32 bytes Veil gave as HOST_DATA (zeros when it gave none).</param>
/// <param name="Nonce">The tenant's nonce: REPORT_DATA must start with it, zero-padded to 64 bytes.</param>
/// <param name="Vmpl">The VMPL the tenant asked the report for (null: any a guest at VMPL 0 can ask for, 0–3).</param>
public sealed record AttestationExpectations(byte[]? Measurement = null, ulong? Policy = null, byte[]? HostData = null, byte[]? Nonce = null, uint? Vmpl = null);

/// <summary>One check of a report: passed or not, with what was expected and what the report (or certificate) holds.</summary>
public sealed record AttestationCheck(string Name, bool Passed, string Expected, string Actual);

/// <summary>Every check, in order, and the report's decoded fields. Advisory: whoever runs it is trusted to run it honestly.</summary>
public sealed record AttestationVerdict(AmdProduct Product, IReadOnlyList<AttestationCheck> Checks, IReadOnlyDictionary<string, string> Fields)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>
/// Checks an SNP attestation report: the VCEK chains to AMD's root for its product (ARK self-signed, ASK by ARK,
/// VCEK by ASK, RSA-PSS), the report is signed by the VCEK (ECDSA P-384), its CHIP_ID and REPORTED_TCB are the
/// VCEK's, and then what it says about the guest against what Veil expects.
/// </summary>
public static class ReportVerifier
{
    /// <summary>
    /// Verifies <paramref name="report"/> with <paramref name="vcek"/> against <paramref name="roots"/> (AMD's, as shipped,
    /// unless a test gives its own); <paramref name="chain"/>, when the tenant sends one, must be the pinned root's.
    /// </summary>
    public static AttestationVerdict Verify(
        AttestationReport report,
        X509Certificate2 vcek,
        IReadOnlyDictionary<AmdProduct, (X509Certificate2 Ark, X509Certificate2 Ask)> roots,
        AttestationExpectations? expected = null,
        IReadOnlyList<X509Certificate2>? chain = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(vcek);
        ArgumentNullException.ThrowIfNull(roots);
        using var vcekKey = vcek.GetECDsaPublicKey();
        if (vcekKey is null || vcekKey.KeySize != 384)
        {
            throw new AttestationFormatException("vcek", "the VCEK's key is not an ECDSA P-384 key: not a VCEK");
        }

        var product = AmdCertificates.ProductOf(vcek)
            ?? throw new AttestationFormatException("vcek", "the VCEK names no AMD product line (Milan, Genoa, Turin)");
        if (!roots.TryGetValue(product, out var root))
        {
            throw new AttestationFormatException("vcek", $"the VCEK is for {product}, and Veil ships AMD's root for {string.Join(" and ", roots.Keys)} only");
        }

        var (ark, ask) = root;
        if (chain is not null)
        {
            (ark, ask) = TenantChain(chain, product, root);
        }

        var checks = new List<AttestationCheck>
        {
            Check("ARK is AMD's root, self-signed", AmdCertificates.SignedBy(ark, ark), $"{product} ARK {ark.Thumbprint}", ark.Subject),
            Check("ASK signed by the ARK", AmdCertificates.SignedBy(ask, ark), "RSA-PSS SHA-384 signature valid", ask.Subject),
            Check("VCEK signed by the ASK", AmdCertificates.SignedBy(vcek, ask), "RSA-PSS SHA-384 signature valid", vcek.Subject),
            Check("report signed by the VCEK", vcekKey.VerifyData(report.SignedPart, report.SignatureP1363(), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "ECDSA P-384 SHA-384 signature valid", "bytes 0x000–0x29f"),
        };
        var reportedTcb = TcbVersion.FromReport(report.ReportedTcb, product);
        var vcekTcb = AmdCertificates.TcbOf(vcek);
        checks.Add(Check("REPORTED_TCB is the VCEK's", reportedTcb == vcekTcb, vcekTcb?.ToString() ?? "(the VCEK has no TCB extensions)", reportedTcb.ToString()));
        var hwId = AmdCertificates.ChipIdOf(vcek) ?? [];
        var chipId = report.ChipId[..Math.Min(hwId.Length, 64)];
        checks.Add(Check("CHIP_ID is the VCEK's", !report.ChipIdMasked && hwId.Length > 0 && chipId.SequenceEqual(hwId), Hex(hwId), report.ChipIdMasked ? "masked (MASK_CHIP_ID)" : Hex(chipId)));

        if (expected is not null)
        {
            checks.AddRange(Against(report, expected));
        }

        return new AttestationVerdict(product, checks, Fields(report, product));
    }

    /// <summary>What the report says, in the words of the SNP ABI.</summary>
    public static IReadOnlyDictionary<string, string> Fields(AttestationReport report, AmdProduct product)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new Dictionary<string, string>
        {
            ["version"] = report.Version.ToString(CultureInfo.InvariantCulture),
            ["policy"] = $"0x{report.Policy:x}",
            ["vmpl"] = report.Vmpl.ToString(CultureInfo.InvariantCulture),
            ["measurement"] = Hex(report.Measurement),
            ["hostData"] = Hex(report.HostData),
            ["reportData"] = Hex(report.ReportData),
            ["reportId"] = Hex(report.ReportId),
            ["currentTcb"] = TcbVersion.FromReport(report.CurrentTcb, product).ToString(),
            ["reportedTcb"] = TcbVersion.FromReport(report.ReportedTcb, product).ToString(),
            ["chipId"] = report.ChipIdMasked ? "masked" : Hex(report.ChipId),
            ["platformInfo"] = $"0x{report.PlatformInfo:x}",
        };
    }

    private static IEnumerable<AttestationCheck> Against(AttestationReport report, AttestationExpectations expected)
    {
        if (expected.Measurement is { } measurement)
        {
            yield return Check("MEASUREMENT is the expected launch digest", report.Measurement.SequenceEqual(measurement), Hex(measurement), Hex(report.Measurement));
        }

        yield return Check("POLICY: debugging off", !AttestationReport.DebugAllowed(report.Policy), "bit 19 (DEBUG) clear", $"0x{report.Policy:x}");
        yield return Check("POLICY: no migration agent", !AttestationReport.MigrationAgentAllowed(report.Policy), "bit 18 (MIGRATE_MA) clear", $"0x{report.Policy:x}");
        if (expected.Policy is { } policy)
        {
            yield return Check("POLICY is the one Veil launched with", report.Policy == policy, $"0x{policy:x}", $"0x{report.Policy:x}");
        }

        if (expected.HostData is { } hostData)
        {
            yield return Check("HOST_DATA is the one Veil set", report.HostData.SequenceEqual(hostData), Hex(hostData), Hex(report.HostData));
        }

        if (expected.Nonce is { } nonce)
        {
            var padded = new byte[64];
            nonce.CopyTo(padded, 0);
            yield return Check("REPORT_DATA is your nonce", report.ReportData.SequenceEqual(padded), Hex(padded), Hex(report.ReportData));
        }

        // The guest runs at VMPL 0 (no SVSM), so it may ask for a report at any of VMPL 0–3; the tenant says which.
        yield return expected.Vmpl is { } vmpl
            ? Check("VMPL is the one asked for", report.Vmpl == vmpl, vmpl.ToString(CultureInfo.InvariantCulture), report.Vmpl.ToString(CultureInfo.InvariantCulture))
            : Check("VMPL is one a guest at VMPL 0 can ask for", report.Vmpl <= 3, "0–3", report.Vmpl.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A chain the tenant sent: an ASK and ARK of the VCEK's product whose ARK is the pinned one.</summary>
    private static (X509Certificate2 Ark, X509Certificate2 Ask) TenantChain(IReadOnlyList<X509Certificate2> chain, AmdProduct product, (X509Certificate2 Ark, X509Certificate2 Ask) pinned)
    {
        if (chain.Select(AmdCertificates.ProductOf).FirstOrDefault(p => p != product) is { } other)
        {
            throw new AttestationFormatException("chain", $"the chain is for {other}, the VCEK for {product}");
        }

        var ark = chain.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData))
            ?? throw new AttestationFormatException("chain", "the chain holds no self-signed ARK");
        if (!ark.RawData.AsSpan().SequenceEqual(pinned.Ark.RawData))
        {
            throw new AttestationFormatException("chain", $"the chain's ARK ({ark.Thumbprint}) is not AMD's {product} root ({pinned.Ark.Thumbprint})");
        }

        return (ark, chain.FirstOrDefault(c => c != ark) ?? throw new AttestationFormatException("chain", "the chain holds no ASK"));
    }

    private static AttestationCheck Check(string name, bool passed, string expected, string actual) => new(name, passed, expected, actual);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
