using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Veil.Shared.Attestation;

/// <summary>
/// AMD's certificates for SEV-SNP: the ARK (root, self-signed) and ASK of each product line, which sign the VCEK of
/// each chip, all with RSA-PSS / SHA-384; and what a VCEK says about the chip and TCB it was derived for.
/// </summary>
public static class AmdCertificates
{
    private const string AmdArc = "1.3.6.1.4.1.3704.1";

    /// <summary>The ARK and ASK Veil ships for each product line it has them for (as AMD's key distribution service serves them).</summary>
    public static IReadOnlyDictionary<AmdProduct, (X509Certificate2 Ark, X509Certificate2 Ask)> Shipped { get; } = LoadShipped();

    /// <summary>A certificate in DER or PEM; anything else is an error naming <paramref name="input"/>.</summary>
    public static X509Certificate2 Read(byte[] certificate, string input)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            return X509CertificateLoader.LoadCertificate(certificate);
        }
        catch (CryptographicException e)
        {
            throw new AttestationFormatException(input, $"the {input} is not an X.509 certificate in DER or PEM ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The certificates of a PEM bundle (an ASK and ARK, as AMD's cert_chain), in their order.</summary>
    public static IReadOnlyList<X509Certificate2> ReadBundle(string pem, string input)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new AttestationFormatException(input, $"the {input} is not a PEM bundle of certificates ({e.Message.TrimEnd('.')})");
        }

        return collection.Count > 0 ? [.. collection] : throw new AttestationFormatException(input, $"the {input} holds no certificate");
    }

    /// <summary>Whether <paramref name="issuer"/>'s RSA key signed <paramref name="subject"/> with RSA-PSS / SHA-384.</summary>
    public static bool SignedBy(X509Certificate2 subject, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(issuer);
        using var key = issuer.GetRSAPublicKey();
        if (key is null || subject.SignatureAlgorithm.Value != "1.2.840.113549.1.1.10") // RSASSA-PSS
        {
            return false;
        }

        var (tbs, signature) = Split(subject.RawData);
        return key.VerifyData(tbs, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
    }

    /// <summary>The product a certificate belongs to, from its common name (ARK-Milan, SEV-Milan) or a VCEK's product extension.</summary>
    public static AmdProduct? ProductOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var name = Extension(certificate, "2") is { } ext ? TryText(ext) : certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return Enum.GetValues<AmdProduct>().Cast<AmdProduct?>().FirstOrDefault(p => name?.Contains(p.ToString()!, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>The TCB a VCEK was derived for, from its extensions (bl .3.1, tee .3.2, snp .3.3, ucode .3.8, fmc .3.9).</summary>
    public static TcbVersion? TcbOf(X509Certificate2 vcek)
    {
        ArgumentNullException.ThrowIfNull(vcek);
        byte? Spl(string arc) => Extension(vcek, arc) is { } ext ? (byte?)TryInteger(ext) : null;
        return Spl("3.1") is { } bl && Spl("3.2") is { } tee && Spl("3.3") is { } snp && Spl("3.8") is { } ucode
            ? new TcbVersion(bl, tee, snp, ucode, Spl("3.9"))
            : null;
    }

    /// <summary>The chip id a VCEK was made for (its hwID extension: 64 bytes, or 8 on Turin).</summary>
    public static byte[]? ChipIdOf(X509Certificate2 vcek) => Extension(vcek, "4");

    private static byte[]? Extension(X509Certificate2 certificate, string arc) =>
        certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == $"{AmdArc}.{arc}")?.RawData;

    private static byte? TryInteger(byte[] der)
    {
        try
        {
            var value = new AsnReader(der, AsnEncodingRules.DER).ReadInteger();
            return value >= 0 && value <= 255 ? (byte)value : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static string? TryText(byte[] der)
    {
        try
        {
            return new AsnReader(der, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.IA5String);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>A certificate's signed part (TBSCertificate, as encoded) and its signature.</summary>
    private static (byte[] Tbs, byte[] Signature) Split(byte[] der)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadEncodedValue().ToArray();
        certificate.ReadSequence(); // signatureAlgorithm
        return (tbs, certificate.ReadBitString(out _));
    }

    private static Dictionary<AmdProduct, (X509Certificate2, X509Certificate2)> LoadShipped()
    {
        var shipped = new Dictionary<AmdProduct, (X509Certificate2, X509Certificate2)>();
        var assembly = typeof(AmdCertificates).Assembly;
        foreach (var product in Enum.GetValues<AmdProduct>())
        {
            using var stream = assembly.GetManifestResourceStream($"Veil.Shared.Attestation.AmdRoots.cert_chain_{product.ToString().ToLowerInvariant()}");
            if (stream is null)
            {
                continue;
            }

            var bundle = ReadBundle(new StreamReader(stream).ReadToEnd(), "shipped chain");
            var ark = bundle.Single(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData));
            shipped[product] = (ark, bundle.Single(c => c != ark));
        }

        return shipped;
    }
}
