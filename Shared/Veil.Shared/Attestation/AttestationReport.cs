using System.Buffers.Binary;
using System.Globalization;

namespace Veil.Shared.Attestation;

/// <summary>
/// An SEV-SNP attestation report as the guest gets it from the PSP (1184 bytes; bytes 0x000–0x29F are signed by
/// the VCEK with ECDSA P-384 / SHA-384). Only the fields a tenant checks are decoded; the rest stay in <see cref="Bytes"/>.
/// </summary>
public sealed class AttestationReport
{
    public const int Size = 0x4a0;
    public const int SignedSize = 0x2a0;

    /// <summary>Report versions this reader knows the layout of (2 on Milan/Genoa-era firmware; 3 and 5 add fields after the ones read here).</summary>
    public static readonly IReadOnlySet<uint> KnownVersions = new HashSet<uint> { 2, 3, 4, 5 };

    /// <summary>ECDSA P-384 with SHA-384, the only signature algorithm reports use.</summary>
    public const uint EcdsaP384Sha384 = 1;

    private readonly byte[] bytes;

    private AttestationReport(byte[] bytes) => this.bytes = bytes;

    public ReadOnlySpan<byte> Bytes => bytes;

    public uint Version => U32(0x000);

    public ulong Policy => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x008));

    public uint Vmpl => U32(0x030);

    public uint SignatureAlgorithm => U32(0x034);

    /// <summary>The current TCB as 8 raw bytes' little-endian value (its layout depends on the product).</summary>
    public ulong CurrentTcb => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x038));

    public ulong PlatformInfo => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x040));

    /// <summary>Bit 1 of the flags: the chip id is masked (zeros).</summary>
    public bool ChipIdMasked => (U32(0x048) & 0x2) != 0;

    /// <summary>Bits 4:2 of the flags: 0 VCEK, 1 VLEK, 7 none.</summary>
    public uint SigningKey => (U32(0x048) >> 2) & 0x7;

    public ReadOnlySpan<byte> ReportData => bytes.AsSpan(0x050, 64);

    public ReadOnlySpan<byte> Measurement => bytes.AsSpan(0x090, 48);

    public ReadOnlySpan<byte> HostData => bytes.AsSpan(0x0c0, 32);

    public ReadOnlySpan<byte> ReportId => bytes.AsSpan(0x140, 32);

    /// <summary>The TCB the signing VCEK was derived for.</summary>
    public ulong ReportedTcb => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x180));

    public ReadOnlySpan<byte> ChipId => bytes.AsSpan(0x1a0, 64);

    public ReadOnlySpan<byte> SignedPart => bytes.AsSpan(0, SignedSize);

    /// <summary>The signature as P1363 (R ‖ S, big-endian, 48 bytes each) from the report's little-endian 72-byte fields.</summary>
    public byte[] SignatureP1363()
    {
        var r = bytes.AsSpan(0x2a0, 72);
        var s = bytes.AsSpan(0x2a0 + 72, 72);
        var p1363 = new byte[96];
        for (var i = 0; i < 48; i++)
        {
            p1363[47 - i] = r[i];
            p1363[95 - i] = s[i];
        }

        return p1363;
    }

    /// <summary>Whether a policy lets a debugger read the guest (bit 19).</summary>
    public static bool DebugAllowed(ulong policy) => (policy & (1UL << 19)) != 0;

    /// <summary>Whether a policy allows a migration agent (bit 18).</summary>
    public static bool MigrationAgentAllowed(ulong policy) => (policy & (1UL << 18)) != 0;

    /// <summary>A report in binary, or as hex text (whitespace allowed); anything else is an error naming what is wrong.</summary>
    public static AttestationReport Parse(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var report = input.Length == Size ? input : FromHex(input);
        var parsed = new AttestationReport([.. report]);
        if (!KnownVersions.Contains(parsed.Version))
        {
            throw new AttestationFormatException("report", $"report version {parsed.Version} is not one this checker knows (it reads versions {string.Join(", ", KnownVersions)})");
        }

        if (parsed.SignatureAlgorithm != EcdsaP384Sha384)
        {
            throw new AttestationFormatException("report", $"the report's signature algorithm is {parsed.SignatureAlgorithm}; SNP reports are signed with ECDSA P-384 (1)");
        }

        return parsed;
    }

    private static byte[] FromHex(byte[] input)
    {
        var text = new string([.. input.Select(b => (char)b).Where(c => !char.IsWhiteSpace(c))]);
        if (text.Length == Size * 2 && text.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(text);
        }

        throw new AttestationFormatException("report", $"a report is {Size} bytes, or {Size * 2} hex digits; this one is {input.Length} bytes{(text.All(Uri.IsHexDigit) ? $" ({text.Length} hex digits)" : "")}");
    }

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SNP report v{Version}, policy 0x{Policy:x}, measurement {Convert.ToHexStringLower(Measurement)}");
}
