using System.Buffers.Binary;

namespace Veil.Shared.Attestation;

/// <summary>AMD's product lines, which differ in their root keys and their TCB layout.</summary>
public enum AmdProduct
{
    Milan,
    Genoa,
    Turin,
}

/// <summary>The security versions a TCB is made of (FMC exists from Turin on).</summary>
public sealed record TcbVersion(byte Bootloader, byte Tee, byte Snp, byte Microcode, byte? Fmc = null)
{
    /// <summary>The 8 bytes of a report's TCB field, in the product's layout.</summary>
    public static TcbVersion FromReport(ulong raw, AmdProduct product)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, raw);
        return product == AmdProduct.Turin
            ? new TcbVersion(b[1], b[2], b[6], b[7], b[0])
            : new TcbVersion(b[0], b[1], b[6], b[7]);
    }

    public override string ToString() =>
        $"bootloader {Bootloader}, tee {Tee}, snp {Snp}, microcode {Microcode}{(Fmc is { } fmc ? $", fmc {fmc}" : "")}";
}
