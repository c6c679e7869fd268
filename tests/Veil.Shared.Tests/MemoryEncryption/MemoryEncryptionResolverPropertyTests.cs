using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Tests.MemoryEncryption;

/// <summary>Thousands of generated flavor/image maps: every outcome is a valid resolution or a typed rejection.</summary>
public sealed class MemoryEncryptionResolverPropertyTests
{
    private static readonly string[] FlavorKeys =
        ["hw:mem_encryption", "hw:mem_encryption_model", "resources:MEM_ENCRYPTION_CONTEXT", "trait:HW_CPU_X86_AMD_SEV", "hw:cpu_policy", "resources:VCPU"];

    private static readonly string[] ImageKeys =
        ["hw_mem_encryption", "hw_mem_encryption_model", "hw_firmware_type", "hw_firmware_stateless", "hw_machine_type",
         "hw_disk_bus", "hw_cdrom_bus", "kernel_id", "os_distro"];

    private static readonly string[] Values =
        ["true", "false", "yes", "NO", "1", "0", "maybe", "", " ", "amd-sev", "amd-sev-es", "amd-sev-snp", "AMD-SEV", "uefi", "bios",
         "q35", "pc-q35-9.2", "pc", "virtio", "scsi", "ide", "sata", "required", "forbidden", "a'<b>&\"c", "\u0000\u0001", "名前", "\ud800"];

    [Fact]
    public void Resolve_GeneratedMaps_ResolveOrRejectWithTypedNamedProblems()
    {
        var random = new Random(20261124);
        int resolved = 0, rejected = 0;
        for (var i = 0; i < 5000; i++)
        {
            var flavor = Generate(random, FlavorKeys);
            var image = Generate(random, ImageKeys);
            var machineType = random.Next(4) == 0 ? Pick(random, Values) : null;
            try
            {
                var result = MemoryEncryptionResolver.Resolve(flavor, image, machineType);
                resolved++;
                if (result.Model is { } model)
                {
                    Assert.Equal(1, result.Resources[ResourceClasses.MemEncryptionContext]);
                    Assert.Contains(model.Info().Trait, result.RequiredTraits);
                    Assert.Contains("q35", result.MachineType, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Empty(result.Resources);
                    Assert.Empty(result.RequiredTraits);
                }
            }
            catch (MemoryEncryptionRequestException e)
            {
                rejected++;
                Assert.NotEmpty(e.Problems);
                foreach (var problem in e.Problems)
                {
                    Assert.NotEmpty(problem.Offenders);
                    Assert.All(problem.Offenders, o => Assert.Contains(o.Key, problem.Message, StringComparison.Ordinal));
                    Assert.EndsWith(".", problem.Message, StringComparison.Ordinal);
                }
            }
        }

        // The generator must exercise both outcomes, or the property says nothing.
        Assert.True(resolved > 500, $"only {resolved} resolved");
        Assert.True(rejected > 500, $"only {rejected} rejected");
    }

    private static Dictionary<string, string> Generate(Random random, string[] keys)
    {
        var map = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            if (random.Next(3) == 0)
            {
                map[key] = random.Next(10) == 0 ? RandomText(random) : Pick(random, Values);
            }
        }

        // Bias towards requests that can succeed, so the success path is explored too.
        if (random.Next(2) == 0)
        {
            map.Remove("resources:MEM_ENCRYPTION_CONTEXT");
            map.Remove("trait:HW_CPU_X86_AMD_SEV");
            if (keys == ImageKeys)
            {
                map["hw_firmware_type"] = "uefi";
                map.Remove("hw_disk_bus");
                map.Remove("hw_cdrom_bus");
                map.Remove("hw_machine_type");
            }
        }

        return map;
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string RandomText(Random random)
    {
        var chars = new char[random.Next(0, 40)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next(0, 0xFFFF);
        }

        return new string(chars);
    }
}
