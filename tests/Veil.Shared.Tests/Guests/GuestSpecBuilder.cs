using Veil.Shared.Guests;

namespace Veil.Shared.Tests.Guests;

/// <summary>Builds guests for tests: a plain one by default, with helpers for each model.</summary>
internal static class GuestSpecBuilder
{
    public static readonly GuestHostParameters Host = new();

    public static GuestSpec Plain(string name = "web-1") => new()
    {
        ServerId = Guid.Parse("0b5e3f0c-3a1d-4c4e-9a57-8d3b2f7c6e01"),
        Name = name,
        ProjectId = "project-a",
        FlavorName = "m1.small",
        VCpus = 2,
        MemoryMiB = 4096,
        DiskGiB = 20,
        ImageId = "debian-12",
    };

    public static GuestSpec Encrypted(string model, params (string Key, string Value)[] extraImage)
    {
        var image = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi" };
        if (model == "amd-sev-snp")
        {
            image["hw_firmware_stateless"] = "true";
        }

        foreach (var (key, value) in extraImage)
        {
            image[key] = value;
        }

        return Plain() with
        {
            FlavorExtraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = model },
            ImageProperties = image,
        };
    }
}
