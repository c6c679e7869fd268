using Veil.Shared.Guests;

namespace Veil.Testing;

/// <summary>Builds guests for tests: a plain one by default, with helpers for each model.</summary>
public static class GuestSpecBuilder
{
    public static readonly GuestHostParameters Host = new();

    /// <summary>The server id <see cref="Plain"/> uses unless told otherwise, so unit tests can assert on it.</summary>
    public static readonly Guid DefaultServerId = Guid.Parse("0b5e3f0c-3a1d-4c4e-9a57-8d3b2f7c6e01");

    public static GuestSpec Plain(string name = "web-1", Guid? serverId = null) => new()
    {
        ServerId = serverId ?? DefaultServerId,
        Name = name,
        ProjectId = "project-a",
        FlavorName = "m1.small",
        VCpus = 2,
        MemoryMiB = 4096,
        DiskGiB = 20,
        ImageId = "debian-12",
    };

    /// <summary>An SNP guest with a fresh server id, for tests that define domains.</summary>
    public static GuestSpec NewSnp(string name) => Encrypted("amd-sev-snp") with { Name = name, ServerId = Guid.NewGuid() };

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
