using System.Text.RegularExpressions;

namespace Veil.Shared.MemoryEncryption;

/// <summary>
/// Turns a flavor's extra specs and an image's properties into what placement and the host need, following both
/// nova specs and NOVA-RULES.md. Every problem found is reported at once, each naming key, value, source and fix.
/// </summary>
public static partial class MemoryEncryptionResolver
{
    /// <summary>The machine type encrypted guests get when neither the image nor the configuration names one.</summary>
    public const string DefaultMachineType = "q35";

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>Resolves a request, or throws <see cref="MemoryEncryptionRequestException"/> listing every problem:
    /// for callers that only see requests <see cref="Check"/> already accepted.</summary>
    public static MemoryEncryptionResolution Resolve(
        IReadOnlyDictionary<string, string>? flavorExtraSpecs,
        IReadOnlyDictionary<string, string>? imageProperties,
        string? configuredMachineType = null) =>
        Check(flavorExtraSpecs, imageProperties, configuredMachineType).OrThrow();

    /// <summary>Resolves a request, or returns every problem that stops it.</summary>
    /// <param name="flavorExtraSpecs">The flavor's extra specs (null: none).</param>
    /// <param name="imageProperties">The image's properties (null: none).</param>
    /// <param name="configuredMachineType">The deployment's default machine type, used when the image names none.</param>
    public static MemoryEncryptionCheck Check(
        IReadOnlyDictionary<string, string>? flavorExtraSpecs,
        IReadOnlyDictionary<string, string>? imageProperties,
        string? configuredMachineType = null)
    {
        var flavor = flavorExtraSpecs ?? Empty;
        var image = imageProperties ?? Empty;
        var problems = new List<MemoryEncryptionProblem>();
        var checks = new List<string>();

        var flavorFlag = RequestValue.From(RequestSource.Flavor, flavor, RequestKeys.FlavorMemEncryption);
        var imageFlag = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageMemEncryption);
        var stateless = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageFirmwareStateless);
        var flavorModelKey = RequestValue.From(RequestSource.Flavor, flavor, RequestKeys.FlavorMemEncryptionModel);
        var imageModelKey = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageMemEncryptionModel);

        // Values that are malformed are wrong whether or not encryption is requested.
        var flavorOn = ParseBoolean(flavorFlag, problems);
        var imageOn = ParseBoolean(imageFlag, problems);
        var statelessOn = ParseBoolean(stateless, problems);
        var flavorModel = ParseModel(flavorModelKey, problems);
        var imageModel = ParseModel(imageModelKey, problems);
        CheckRawPlacementRequests(flavor, problems);

        var machineType = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageMachineType);
        if (!machineType.IsSet && configuredMachineType is not null)
        {
            machineType = new RequestValue(RequestSource.Configuration, "default machine type", configuredMachineType);
        }

        if (flavorOn != true && imageOn != true)
        {
            if (problems.Count > 0)
            {
                return MemoryEncryptionCheck.Invalid(problems);
            }

            checks.Add($"memory encryption not requested: neither {RequestKeys.FlavorMemEncryption} (flavor) nor {RequestKeys.ImageMemEncryption} (image) is true");
            return MemoryEncryptionCheck.Valid(new MemoryEncryptionResolution(null, new Dictionary<string, int>(), [], machineType.Value, checks));
        }

        if (flavorOn is not null && imageOn is not null && flavorOn != imageOn)
        {
            problems.Add(Problem(MemoryEncryptionProblemCode.ConflictingRequest,
                $"{flavorFlag.Describe()} conflicts with {imageFlag.Describe()}; make them agree or remove one of them.",
                flavorFlag, imageFlag));
        }

        var requesters = string.Join(" and ", new[] { flavorOn == true ? flavorFlag : null, imageOn == true ? imageFlag : null }
            .OfType<RequestValue>().Select(v => v.Describe()));
        checks.Add($"memory encryption requested by {requesters}");

        var model = ResolveModel(flavorModelKey, flavorModel, imageModelKey, imageModel, problems, checks, out var modelSource);

        var firmware = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageFirmwareType);
        if (!string.Equals(firmware.Value?.Trim(), "uefi", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(Problem(MemoryEncryptionProblemCode.FirmwareNotUefi,
                $"memory encryption (requested by {requesters}) needs UEFI firmware, but {firmware.Describe()}; set {RequestKeys.ImageFirmwareType}=uefi on the image.",
                firmware));
        }
        else
        {
            checks.Add($"UEFI firmware ({firmware.Describe()})");
        }

        var effectiveMachineType = machineType.Value ?? DefaultMachineType;
        if (!effectiveMachineType.Contains("q35", StringComparison.Ordinal))
        {
            var fix = machineType.Source == RequestSource.Image
                ? $"set {RequestKeys.ImageMachineType}=q35 on the image, or remove it to use the default"
                : $"set {RequestKeys.ImageMachineType}=q35 on the image, or make q35 the configured default machine type";
            problems.Add(Problem(MemoryEncryptionProblemCode.MachineTypeNotQ35,
                $"memory encryption (requested by {requesters}) needs a q35 machine type, but {machineType.Describe()}; {fix}.",
                machineType));
        }
        else
        {
            checks.Add(machineType.IsSet ? $"q35 machine type ({machineType.Describe()})" : "q35 machine type (Veil's default for encrypted guests)");
        }

        if (model == MemoryEncryptionModel.AmdSevSnp)
        {
            if (statelessOn != true && !IsInvalidBoolean(stateless))
            {
                problems.Add(Problem(MemoryEncryptionProblemCode.SnpNeedsStatelessFirmware,
                    $"model amd-sev-snp (from {modelSource}) needs stateless firmware, but {stateless.Describe()}; set {RequestKeys.ImageFirmwareStateless}=true on the image.",
                    stateless));
            }
            else if (statelessOn == true)
            {
                checks.Add($"stateless firmware for SEV-SNP ({stateless.Describe()})");
            }
        }

        CheckBuses(image, problems, checks);
        if (problems.Count > 0)
        {
            return MemoryEncryptionCheck.Invalid(problems);
        }

        var info = model.Info();
        var traits = model == MemoryEncryptionModel.AmdSevSnp ? new[] { info.Trait, Traits.StatelessFirmware } : [info.Trait];
        return MemoryEncryptionCheck.Valid(new MemoryEncryptionResolution(
            model,
            new Dictionary<string, int> { [ResourceClasses.MemEncryptionContext] = 1 },
            traits,
            effectiveMachineType,
            checks));
    }

    private static MemoryEncryptionModel ResolveModel(
        RequestValue flavorKey, MemoryEncryptionModel? flavorModel,
        RequestValue imageKey, MemoryEncryptionModel? imageModel,
        List<MemoryEncryptionProblem> problems, List<string> checks, out string source)
    {
        if (flavorModel is not null && imageModel is not null && flavorModel != imageModel)
        {
            problems.Add(Problem(MemoryEncryptionProblemCode.ConflictingModel,
                $"{flavorKey.Describe()} conflicts with {imageKey.Describe()}; make them agree or remove one of them.",
                flavorKey, imageKey));
        }

        // The image's model wins when both agree or only it is set, as in nova.
        (var model, source) = (imageModel, flavorModel) switch
        {
            ({ } fromImage, _) => (fromImage, imageKey.Describe()),
            (null, { } fromFlavor) => (fromFlavor, flavorKey.Describe()),
            _ => (MemoryEncryptionModel.AmdSev, "the default, as neither hw:mem_encryption_model nor hw_mem_encryption_model is set"),
        };
        checks.Add($"model {model.ToName()} ({source})");
        return model;
    }

    private static void CheckBuses(IReadOnlyDictionary<string, string> image, List<MemoryEncryptionProblem> problems, List<string> checks)
    {
        var diskBus = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageDiskBus);
        var cdromBus = RequestValue.From(RequestSource.Image, image, RequestKeys.ImageCdromBus);
        var disk = diskBus.Value?.Trim().ToLowerInvariant();
        if (disk == "virtio")
        {
            problems.Add(Problem(MemoryEncryptionProblemCode.VirtioBlkBootDisk,
                $"the boot disk of an encrypted guest cannot be virtio-blk, but {diskBus.Describe()}; set {RequestKeys.ImageDiskBus}=scsi (virtio-scsi) or sata on the image.",
                diskBus));
        }
        else if (disk == "ide")
        {
            problems.Add(IdeProblem(diskBus));
        }
        else
        {
            checks.Add($"boot disk on {(disk is null ? "scsi (virtio-scsi, Veil's default for encrypted guests)" : disk)}, not virtio-blk");
        }

        if (string.Equals(cdromBus.Value?.Trim(), "ide", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(IdeProblem(cdromBus));
        }
    }

    private static MemoryEncryptionProblem IdeProblem(RequestValue bus) =>
        Problem(MemoryEncryptionProblemCode.IdeBus,
            $"encrypted guests use the q35 machine type, which has no IDE controller, but {bus.Describe()}; set {bus.Key} to scsi or sata on the image.",
            bus);

    private static void CheckRawPlacementRequests(IReadOnlyDictionary<string, string> flavor, List<MemoryEncryptionProblem> problems)
    {
        foreach (var (key, value) in flavor.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var raw = RawResourceKey().IsMatch(key)
                || (RawTraitKey().IsMatch(key) && string.Equals(value?.Trim(), "required", StringComparison.OrdinalIgnoreCase));
            if (raw)
            {
                var offender = new RequestValue(RequestSource.Flavor, key, value);
                problems.Add(Problem(MemoryEncryptionProblemCode.RawPlacementRequest,
                    $"{offender.Describe()} asks placement directly, which would place the guest without encrypting it; remove it and set {RequestKeys.FlavorMemEncryption}=true (with {RequestKeys.FlavorMemEncryptionModel} for a model other than amd-sev): Veil derives {ResourceClasses.MemEncryptionContext} and the model's trait from them.",
                    offender));
            }
        }
    }

    private static bool? ParseBoolean(RequestValue value, List<MemoryEncryptionProblem> problems)
    {
        if (!value.IsSet)
        {
            return null;
        }

        if (NovaBoolean.TryParse(value.Value, out var parsed))
        {
            return parsed;
        }

        problems.Add(Problem(MemoryEncryptionProblemCode.InvalidBoolean,
            $"{value.Describe()} is not a boolean; set it to {NovaBoolean.AcceptedWords}.", value));
        return null;
    }

    private static bool IsInvalidBoolean(RequestValue value) => value.IsSet && !NovaBoolean.TryParse(value.Value, out _);

    private static MemoryEncryptionModel? ParseModel(RequestValue value, List<MemoryEncryptionProblem> problems)
    {
        if (!value.IsSet)
        {
            return null;
        }

        if (MemoryEncryptionModels.TryParse(value.Value, out var model))
        {
            return model;
        }

        problems.Add(Problem(MemoryEncryptionProblemCode.UnknownModel,
            $"{value.Describe()} is not a memory-encryption model; use one of {MemoryEncryptionModels.AllowedNames}.", value));
        return null;
    }

    private static MemoryEncryptionProblem Problem(MemoryEncryptionProblemCode code, string message, params RequestValue[] offenders) =>
        new(code, message, offenders);

    [GeneratedRegex(@"^resources\d*:MEM_ENCRYPTION_CONTEXT$", RegexOptions.CultureInvariant)]
    private static partial Regex RawResourceKey();

    [GeneratedRegex(@"^trait\d*:HW_CPU_(X86_)?AMD_SEV(_ES|_SNP)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RawTraitKey();
}
