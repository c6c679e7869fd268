using Veil.Shared.Attestation;
using Veil.Testing;

namespace Veil.Shared.Tests.Attestation;

/// <summary>The OVMF images the measurement tests use: the published suffixes, and Debian's own build.</summary>
internal static class Firmware
{
    /// <summary>edk2's AmdSevX64 build (kernel hashes supported), last 4 KiB.</summary>
    public static OvmfImage AmdSev => OvmfImage.Parse(File.ReadAllBytes(Path.Combine(Folder, "ovmf_AmdSev_suffix.bin")));

    /// <summary>edk2's OvmfPkgX64 build (no kernel hashes), last 4 KiB.</summary>
    public static OvmfImage OvmfX64 => OvmfImage.Parse(File.ReadAllBytes(Path.Combine(Folder, "ovmf_OvmfX64_suffix.bin")));

    public static byte[] AmdSevBytes => File.ReadAllBytes(Path.Combine(Folder, "ovmf_AmdSev_suffix.bin"));

    /// <summary>Debian's <c>ovmf</c> package's 2 MiB image (infra/install-deps.sh installs it).</summary>
    public const string DebianPath = "/usr/share/ovmf/OVMF.fd";

    /// <summary>EPYC-v4's signature (family 23, model 1, stepping 2), the published vectors' vCPU type.</summary>
    public static readonly CpuSignature EpycV4 = new(0x00800f12);

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "fixtures", "attestation");

    /// <summary>The published vectors' "empty" kernel and initrd (/dev/null) with a command line ("" is none).</summary>
    public static KernelHashes EmptyKernel(string cmdline) => KernelHashes.Of(new MemoryStream(), new MemoryStream(), cmdline);
}
