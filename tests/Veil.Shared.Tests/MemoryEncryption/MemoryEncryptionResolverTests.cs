using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Tests.MemoryEncryption;

public sealed class MemoryEncryptionResolverTests
{
    private static readonly Dictionary<string, string> UefiImage = new() { ["hw_firmware_type"] = "uefi" };
    private static readonly Dictionary<string, string> SnpImage = new() { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" };

    private static Dictionary<string, string> Map(params string[] pairs)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            map[pairs[i]] = pairs[i + 1];
        }

        return map;
    }

    private static MemoryEncryptionProblem SingleProblem(Dictionary<string, string> flavor, Dictionary<string, string> image, string? machineType = null)
    {
        var error = Assert.Throws<MemoryEncryptionRequestException>(() => MemoryEncryptionResolver.Resolve(flavor, image, machineType));
        return Assert.Single(error.Problems);
    }

    [Fact]
    public void Check_ReturnsEveryProblemOrTheResolution_NeverBoth()
    {
        var bad = MemoryEncryptionResolver.Check(Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"), Map());
        var good = MemoryEncryptionResolver.Check(Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"), SnpImage);

        Assert.False(bad.IsValid);
        Assert.Null(bad.Resolution);
        Assert.Equal([MemoryEncryptionProblemCode.FirmwareNotUefi, MemoryEncryptionProblemCode.SnpNeedsStatelessFirmware], bad.Problems.Select(p => p.Code));
        Assert.Equal(string.Join(" ", bad.Problems.Select(p => p.Message)), bad.Message);
        Assert.Equal(bad.Problems, Assert.Throws<MemoryEncryptionRequestException>(bad.OrThrow).Problems);
        Assert.True(good.IsValid);
        Assert.Empty(good.Problems);
        Assert.Equal(MemoryEncryptionModel.AmdSevSnp, good.OrThrow().Model);
    }

    [Fact]
    public void Resolve_NothingSet_RequestsNothing()
    {
        var result = MemoryEncryptionResolver.Resolve(Map(), Map());

        Assert.Null(result.Model);
        Assert.Empty(result.Resources);
        Assert.Empty(result.RequiredTraits);
    }

    [Theory]
    [InlineData("hw:mem_encryption_model", "amd-sev-snp")]
    [InlineData("hw:mem_encryption", "false")]
    public void Resolve_FlavorWithoutTrueRequest_RequestsNothing(string key, string value)
    {
        var result = MemoryEncryptionResolver.Resolve(Map(key, value), Map());

        Assert.False(result.IsRequested);
        Assert.Empty(result.Resources);
    }

    [Fact]
    public void Resolve_ImageModelAlone_RequestsNothing()
    {
        var result = MemoryEncryptionResolver.Resolve(Map(), Map("hw_mem_encryption_model", "amd-sev-es", "hw_firmware_type", "bios"));

        Assert.False(result.IsRequested);
    }

    [Theory]
    [InlineData("flavor", null, MemoryEncryptionModel.AmdSev, new[] { Traits.AmdSev })]
    [InlineData("image", null, MemoryEncryptionModel.AmdSev, new[] { Traits.AmdSev })]
    [InlineData("flavor", "amd-sev", MemoryEncryptionModel.AmdSev, new[] { Traits.AmdSev })]
    [InlineData("flavor", "amd-sev-es", MemoryEncryptionModel.AmdSevEs, new[] { Traits.AmdSevEs })]
    [InlineData("image", "amd-sev-es", MemoryEncryptionModel.AmdSevEs, new[] { Traits.AmdSevEs })]
    [InlineData("flavor", "amd-sev-snp", MemoryEncryptionModel.AmdSevSnp, new[] { Traits.AmdSevSnp, Traits.StatelessFirmware })]
    [InlineData("image", "amd-sev-snp", MemoryEncryptionModel.AmdSevSnp, new[] { Traits.AmdSevSnp, Traits.StatelessFirmware })]
    public void Resolve_Requested_TranslatesToResourceAndTraits(string where, string? model, MemoryEncryptionModel expected, string[] traits)
    {
        var flavor = where == "flavor" ? Map("hw:mem_encryption", "True") : Map();
        var image = new Dictionary<string, string>(SnpImage);
        if (where == "image")
        {
            image["hw_mem_encryption"] = "yes";
        }

        if (model is not null)
        {
            (where == "flavor" ? flavor : image)[where == "flavor" ? "hw:mem_encryption_model" : "hw_mem_encryption_model"] = model;
        }

        var result = MemoryEncryptionResolver.Resolve(flavor, image);

        Assert.Equal(expected, result.Model);
        Assert.Equal(new Dictionary<string, int> { ["MEM_ENCRYPTION_CONTEXT"] = 1 }, result.Resources);
        Assert.Equal(traits, result.RequiredTraits);
        Assert.Equal("q35", result.MachineType);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData(" yes ")]
    [InlineData("On")]
    [InlineData("1")]
    [InlineData("y")]
    [InlineData("t")]
    public void Resolve_AnyTrueSpelling_Requests(string value)
    {
        Assert.True(MemoryEncryptionResolver.Resolve(Map("hw:mem_encryption", value), UefiImage).IsRequested);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("No")]
    [InlineData("off")]
    [InlineData("0")]
    [InlineData("n")]
    [InlineData("F")]
    public void Resolve_AnyFalseSpelling_DoesNotRequest(string value)
    {
        Assert.False(MemoryEncryptionResolver.Resolve(Map("hw:mem_encryption", value), UefiImage).IsRequested);
    }

    [Fact]
    public void Resolve_BothAgreeOnModel_Accepts()
    {
        var result = MemoryEncryptionResolver.Resolve(
            Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"),
            Map("hw_mem_encryption", "true", "hw_mem_encryption_model", "amd-sev-snp", "hw_firmware_type", "uefi", "hw_firmware_stateless", "True"));

        Assert.Equal(MemoryEncryptionModel.AmdSevSnp, result.Model);
    }

    [Fact]
    public void Resolve_ImageMachineTypeWithQ35Version_Accepts()
    {
        var result = MemoryEncryptionResolver.Resolve(Map("hw:mem_encryption", "true"), Map("hw_firmware_type", "uefi", "hw_machine_type", "pc-q35-9.2"), "pc");

        Assert.Equal("pc-q35-9.2", result.MachineType);
    }

    [Fact]
    public void Resolve_Requested_ListsEveryCheckThatPassed()
    {
        var result = MemoryEncryptionResolver.Resolve(Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"), SnpImage);

        Assert.Collection(result.Checks,
            c => Assert.Contains("requested by flavor extra spec hw:mem_encryption='true'", c, StringComparison.Ordinal),
            c => Assert.Contains("model amd-sev-snp (flavor extra spec hw:mem_encryption_model='amd-sev-snp')", c, StringComparison.Ordinal),
            c => Assert.Contains("UEFI", c, StringComparison.Ordinal),
            c => Assert.Contains("q35", c, StringComparison.Ordinal),
            c => Assert.Contains("stateless firmware", c, StringComparison.Ordinal),
            c => Assert.Contains("not virtio-blk", c, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("truee")]
    [InlineData("2")]
    public void Resolve_FlavorBooleanGarbage_RejectedNamingKeyValueAndSource(string value)
    {
        var problem = SingleProblem(Map("hw:mem_encryption", value), UefiImage);

        Assert.Equal(MemoryEncryptionProblemCode.InvalidBoolean, problem.Code);
        Assert.Equal($"flavor extra spec hw:mem_encryption='{value}' is not a boolean; set it to true/false (also yes/no, on/off, 1/0, y/n, t/f).", problem.Message);
        Assert.Equal(new RequestValue(RequestSource.Flavor, "hw:mem_encryption", value), Assert.Single(problem.Offenders));
    }

    [Fact]
    public void Resolve_ImageBooleanGarbage_RejectedNamingImage()
    {
        var problem = SingleProblem(Map(), Map("hw_mem_encryption", "sure"));

        Assert.Equal(MemoryEncryptionProblemCode.InvalidBoolean, problem.Code);
        Assert.StartsWith("image property hw_mem_encryption='sure' is not a boolean", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "false")]
    [InlineData("no", "yes")]
    public void Resolve_ConflictingBooleans_RejectedNamingBoth(string flavorValue, string imageValue)
    {
        var problem = SingleProblem(Map("hw:mem_encryption", flavorValue), Map("hw_mem_encryption", imageValue, "hw_firmware_type", "uefi"));

        Assert.Equal(MemoryEncryptionProblemCode.ConflictingRequest, problem.Code);
        Assert.Equal($"flavor extra spec hw:mem_encryption='{flavorValue}' conflicts with image property hw_mem_encryption='{imageValue}'; make them agree or remove one of them.", problem.Message);
        Assert.Equal(2, problem.Offenders.Count);
    }

    [Fact]
    public void Resolve_ConflictingModels_RejectedNamingBoth()
    {
        var problem = SingleProblem(
            Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev"),
            Map("hw_mem_encryption_model", "amd-sev-snp", "hw_firmware_type", "uefi", "hw_firmware_stateless", "true"));

        Assert.Equal(MemoryEncryptionProblemCode.ConflictingModel, problem.Code);
        Assert.Equal("flavor extra spec hw:mem_encryption_model='amd-sev' conflicts with image property hw_mem_encryption_model='amd-sev-snp'; make them agree or remove one of them.", problem.Message);
    }

    [Theory]
    [InlineData("amd-tdx")]
    [InlineData("AMD-SEV")]
    [InlineData("sev-snp")]
    [InlineData("")]
    public void Resolve_UnknownModel_RejectedListingAllowedValues(string model)
    {
        var problem = SingleProblem(Map("hw:mem_encryption", "true", "hw:mem_encryption_model", model), UefiImage);

        Assert.Equal(MemoryEncryptionProblemCode.UnknownModel, problem.Code);
        Assert.Equal($"flavor extra spec hw:mem_encryption_model='{model}' is not a memory-encryption model; use one of amd-sev, amd-sev-es, amd-sev-snp.", problem.Message);
    }

    [Fact]
    public void Resolve_UnknownModelWithoutRequest_StillRejected()
    {
        var problem = SingleProblem(Map(), Map("hw_mem_encryption_model", "intel-tdx"));

        Assert.Equal(MemoryEncryptionProblemCode.UnknownModel, problem.Code);
        Assert.StartsWith("image property hw_mem_encryption_model='intel-tdx'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "image property hw_firmware_type (not set)")]
    [InlineData("bios", "image property hw_firmware_type='bios'")]
    public void Resolve_NotUefi_RejectedSayingWhatToSet(string? firmware, string described)
    {
        var image = firmware is null ? Map() : Map("hw_firmware_type", firmware);

        var problem = SingleProblem(Map("hw:mem_encryption", "true"), image);

        Assert.Equal(MemoryEncryptionProblemCode.FirmwareNotUefi, problem.Code);
        Assert.Equal($"memory encryption (requested by flavor extra spec hw:mem_encryption='true') needs UEFI firmware, but {described}; set hw_firmware_type=uefi on the image.", problem.Message);
    }

    [Fact]
    public void Resolve_ImageMachineTypeNotQ35_RejectedNamingImage()
    {
        var problem = SingleProblem(Map(), Map("hw_mem_encryption", "true", "hw_firmware_type", "uefi", "hw_machine_type", "pc-i440fx-8.2"));

        Assert.Equal(MemoryEncryptionProblemCode.MachineTypeNotQ35, problem.Code);
        Assert.Equal("memory encryption (requested by image property hw_mem_encryption='true') needs a q35 machine type, but image property hw_machine_type='pc-i440fx-8.2'; set hw_machine_type=q35 on the image, or remove it to use the default.", problem.Message);
    }

    [Fact]
    public void Resolve_ConfiguredMachineTypeNotQ35_RejectedNamingConfiguration()
    {
        var problem = SingleProblem(Map("hw:mem_encryption", "true"), UefiImage, machineType: "pc");

        Assert.Equal(MemoryEncryptionProblemCode.MachineTypeNotQ35, problem.Code);
        Assert.Contains("configured default machine type='pc'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("make q35 the configured default machine type", problem.Message, StringComparison.Ordinal);
        Assert.Equal(RequestSource.Configuration, Assert.Single(problem.Offenders).Source);
    }

    [Theory]
    [InlineData(null, "image property hw_firmware_stateless (not set)")]
    [InlineData("false", "image property hw_firmware_stateless='false'")]
    public void Resolve_SnpWithoutStatelessFirmware_Rejected(string? stateless, string described)
    {
        var image = stateless is null ? Map("hw_firmware_type", "uefi") : Map("hw_firmware_type", "uefi", "hw_firmware_stateless", stateless);

        var problem = SingleProblem(Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"), image);

        Assert.Equal(MemoryEncryptionProblemCode.SnpNeedsStatelessFirmware, problem.Code);
        Assert.Equal($"model amd-sev-snp (from flavor extra spec hw:mem_encryption_model='amd-sev-snp') needs stateless firmware, but {described}; set hw_firmware_stateless=true on the image.", problem.Message);
    }

    [Fact]
    public void Resolve_SevWithoutStatelessFirmware_Accepted()
    {
        Assert.Equal(MemoryEncryptionModel.AmdSevEs, MemoryEncryptionResolver.Resolve(Map("hw:mem_encryption", "1", "hw:mem_encryption_model", "amd-sev-es"), UefiImage).Model);
    }

    [Fact]
    public void Resolve_VirtioBlkBootDisk_Rejected()
    {
        var problem = SingleProblem(Map("hw:mem_encryption", "true"), Map("hw_firmware_type", "uefi", "hw_disk_bus", "virtio"));

        Assert.Equal(MemoryEncryptionProblemCode.VirtioBlkBootDisk, problem.Code);
        Assert.Equal("the boot disk of an encrypted guest cannot be virtio-blk, but image property hw_disk_bus='virtio'; set hw_disk_bus=scsi (virtio-scsi) or sata on the image.", problem.Message);
    }

    [Theory]
    [InlineData("hw_disk_bus")]
    [InlineData("hw_cdrom_bus")]
    public void Resolve_IdeBus_Rejected(string key)
    {
        var problem = SingleProblem(Map("hw:mem_encryption", "true"), Map("hw_firmware_type", "uefi", key, "ide"));

        Assert.Equal(MemoryEncryptionProblemCode.IdeBus, problem.Code);
        Assert.Equal($"encrypted guests use the q35 machine type, which has no IDE controller, but image property {key}='ide'; set {key} to scsi or sata on the image.", problem.Message);
    }

    [Fact]
    public void Resolve_UnencryptedVirtioBlkAndIde_Accepted()
    {
        Assert.False(MemoryEncryptionResolver.Resolve(Map(), Map("hw_disk_bus", "virtio", "hw_cdrom_bus", "ide")).IsRequested);
    }

    [Theory]
    [InlineData("resources:MEM_ENCRYPTION_CONTEXT", "1")]
    [InlineData("resources1:MEM_ENCRYPTION_CONTEXT", "1")]
    [InlineData("trait:HW_CPU_X86_AMD_SEV", "required")]
    [InlineData("trait:HW_CPU_AMD_SEV_SNP", "required")]
    public void Resolve_RawPlacementRequest_RejectedPointingAtHwMemEncryption(string key, string value)
    {
        var problem = SingleProblem(Map(key, value), Map());

        Assert.Equal(MemoryEncryptionProblemCode.RawPlacementRequest, problem.Code);
        Assert.StartsWith($"flavor extra spec {key}='{value}' asks placement directly", problem.Message, StringComparison.Ordinal);
        Assert.Contains("set hw:mem_encryption=true", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ForbiddenSevTrait_Accepted()
    {
        Assert.False(MemoryEncryptionResolver.Resolve(Map("trait:HW_CPU_X86_AMD_SEV", "forbidden"), Map()).IsRequested);
    }

    [Fact]
    public void Resolve_SeveralProblems_ReportsThemAllAtOnce()
    {
        var error = Assert.Throws<MemoryEncryptionRequestException>(() => MemoryEncryptionResolver.Resolve(
            Map("hw:mem_encryption", "true", "hw:mem_encryption_model", "amd-sev-snp"),
            Map("hw_firmware_type", "bios", "hw_machine_type", "pc", "hw_disk_bus", "virtio")));

        Assert.Equal(
            [MemoryEncryptionProblemCode.FirmwareNotUefi, MemoryEncryptionProblemCode.MachineTypeNotQ35,
             MemoryEncryptionProblemCode.SnpNeedsStatelessFirmware, MemoryEncryptionProblemCode.VirtioBlkBootDisk],
            error.Problems.Select(p => p.Code));
        Assert.Equal(string.Join(" ", error.Problems.Select(p => p.Message)), error.Message);
    }
}
