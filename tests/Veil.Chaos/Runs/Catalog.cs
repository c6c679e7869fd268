namespace Veil.Chaos.Runs;

/// <summary>The image and flavors the runs boot, registered and approved through the API.</summary>
public static class Catalog
{
    public const string Image = "chaos-uefi";

    /// <summary>SEV (two hosts), SEV-SNP (one host) and plain (all three).</summary>
    public static readonly string[] Flavors = ["chaos.sev", "chaos.snp", "chaos.plain"];

    public static async Task SeedAsync(VeilClient admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        await admin.PostAsync("/api/images", new { id = Image, properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true", ["hw_machine_type"] = "q35" } }, cancellationToken: cancellationToken);
        await ProposeAsync(admin, "chaos.sev", new() { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev" }, cancellationToken);
        await ProposeAsync(admin, "chaos.snp", new() { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" }, cancellationToken);
        await ProposeAsync(admin, "chaos.plain", [], cancellationToken);
    }

    private static async Task ProposeAsync(VeilClient admin, string name, Dictionary<string, string> extraSpecs, CancellationToken cancellationToken)
    {
        await admin.PostAsync("/api/flavors", new { name, vCpus = 1, memoryMiB = 512, diskGiB = 1, extraSpecs }, cancellationToken: cancellationToken);
        await admin.PostAsync($"/api/flavors/{name}/approve", new { }, cancellationToken: cancellationToken);
    }
}
