using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Veil.Shared.Attestation;

namespace Veil.Testing;

/// <summary>
/// A key hierarchy shaped like AMD's (an RSA ARK and ASK signing with RSA-PSS, an ECDSA P-384 VCEK with AMD's
/// product, TCB and hwID extensions) whose private keys the tests hold, to sign reports no real chip made.
/// </summary>
public sealed class TestPki : IDisposable
{
    public static readonly TcbVersion Tcb = new(Bootloader: 3, Tee: 0, Snp: 8, Microcode: 115);

    private readonly RSA arkKey = RSA.Create(2048);
    private readonly RSA askKey = RSA.Create(2048);

    public TestPki(string product = "Milan")
    {
        ChipId = RandomNumberGenerator.GetBytes(64);
        Ark = new CertificateRequest($"CN=ARK-{product}, O=Test", arkKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        Ask = Signed(new CertificateRequest($"CN=SEV-{product}, O=Test", askKey, HashAlgorithmName.SHA384, RSASignaturePadding.Pss), Ark.SubjectName, arkKey);
        VcekKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Vcek = MakeVcek(product, askKey, Ask.SubjectName);
    }

    public X509Certificate2 Ark { get; }

    public X509Certificate2 Ask { get; }

    public X509Certificate2 Vcek { get; }

    public ECDsa VcekKey { get; }

    public byte[] ChipId { get; }

    public IReadOnlyDictionary<AmdProduct, (X509Certificate2 Ark, X509Certificate2 Ask)> Roots => new Dictionary<AmdProduct, (X509Certificate2, X509Certificate2)> { [AmdProduct.Milan] = (Ark, Ask) };

    /// <summary>A VCEK for this chip signed by another ASK (a chain that is not this root's).</summary>
    public X509Certificate2 VcekSignedByAStranger()
    {
        using var stranger = RSA.Create(2048);
        return MakeVcek("Milan", stranger, Ask.SubjectName);
    }

    /// <summary>A report as a Milan PSP would make it, signed with the VCEK's key.</summary>
    public byte[] Report(byte[] measurement, ulong policy = 0x30000, byte[]? hostData = null, byte[]? reportData = null, uint vmpl = 1)
    {
        var report = new byte[AttestationReport.Size];
        var span = report.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x008..], policy);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x030..], vmpl);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x034..], AttestationReport.EcdsaP384Sha384);
        var tcb = TcbBytes();
        tcb.CopyTo(span[0x038..]);
        (reportData ?? new byte[64]).CopyTo(span[0x050..]);
        measurement.CopyTo(span[0x090..]);
        (hostData ?? new byte[32]).CopyTo(span[0x0c0..]);
        tcb.CopyTo(span[0x180..]);
        ChipId.CopyTo(span[0x1a0..]);
        Sign(report);
        return report;
    }

    /// <summary>Signs bytes 0x000–0x29f into the signature field (R and S little-endian, 72 bytes each).</summary>
    public void Sign(byte[] report)
    {
        var p1363 = VcekKey.SignData(report.AsSpan(0, AttestationReport.SignedSize), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        report.AsSpan(0x2a0, 144).Clear();
        for (var i = 0; i < 48; i++)
        {
            report[0x2a0 + i] = p1363[47 - i];
            report[0x2a0 + 72 + i] = p1363[95 - i];
        }
    }

    public void Dispose()
    {
        arkKey.Dispose();
        askKey.Dispose();
        VcekKey.Dispose();
    }

    private static byte[] TcbBytes() => [Tcb.Bootloader, Tcb.Tee, 0, 0, 0, 0, Tcb.Snp, Tcb.Microcode];

    private X509Certificate2 MakeVcek(string product, RSA signer, X500DistinguishedName issuer)
    {
        var request = new CertificateRequest("CN=SEV-VCEK, O=Test", VcekKey, HashAlgorithmName.SHA384);
        Extension(request, "2", w => w.WriteCharacterString(UniversalTagNumber.IA5String, product + "-B0"));
        Extension(request, "3.1", w => w.WriteInteger(Tcb.Bootloader));
        Extension(request, "3.2", w => w.WriteInteger(Tcb.Tee));
        Extension(request, "3.3", w => w.WriteInteger(Tcb.Snp));
        Extension(request, "3.8", w => w.WriteInteger(Tcb.Microcode));
        request.CertificateExtensions.Add(new X509Extension(new Oid("1.3.6.1.4.1.3704.1.4"), ChipId, critical: false));
        return Signed(request, issuer, signer);
    }

    private static void Extension(CertificateRequest request, string arc, Action<AsnWriter> write)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        write(writer);
        request.CertificateExtensions.Add(new X509Extension(new Oid($"1.3.6.1.4.1.3704.1.{arc}"), writer.Encode(), critical: false));
    }

    private static X509Certificate2 Signed(CertificateRequest request, X500DistinguishedName issuer, RSA issuerKey) =>
        request.Create(issuer, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pss), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
}
