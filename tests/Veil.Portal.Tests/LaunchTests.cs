using Bunit;
using Veil.Portal.Components.Pages;
using Veil.Portal.Launch;

namespace Veil.Portal.Tests;

public sealed class LaunchTests : BunitTest
{
    public LaunchTests()
    {
        Api.Answers["/api/images"] = """[{"id":"debian-12-uefi","name":"Debian 12 UEFI","properties":{"hw_firmware_type":"uefi","hw_firmware_stateless":"true"}}]""";
        Api.Answers["/api/flavors"] = """
            [{"name":"snp.small","vCpus":2,"memoryMiB":2048,"diskGiB":20,"extraSpecs":{"hw:mem_encryption":"true","hw:mem_encryption_model":"amd-sev-snp"},"status":"approved"},
             {"name":"sev.pending","vCpus":2,"memoryMiB":2048,"diskGiB":20,"extraSpecs":{"hw:mem_encryption":"yes"},"status":"pending"},
             {"name":"m1.small","vCpus":1,"memoryMiB":1024,"diskGiB":10,"extraSpecs":{},"status":"approved"}]
            """;
    }

    [Theory]
    [InlineData("", 1, "server name is empty; give it at least one visible character.")]
    [InlineData("   ", 1, "server name is empty; give it at least one visible character.")]
    [InlineData("web\t1", 1, "server name contains a control character (such as a newline or tab); remove it.")]
    [InlineData("web", 0, "count 0 must be between 1 and 50.")]
    [InlineData("web", 51, "count 51 must be between 1 and 50.")]
    [InlineData("web", 50, null)]
    public void Details_Validation_NamesTheProblem(string name, int count, string? problem) =>
        Assert.Equal(problem, new LaunchRequest { Name = name, Count = count }.DetailsProblem());

    [Fact]
    public void Details_NameTooLongOnlyForTheLastOfSeveral_Refused()
    {
        // 253 characters fit alone and as "-1".."-9", not as "-10": the API would refuse the whole launch.
        var name = new string('a', 253);
        Assert.Null(new LaunchRequest { Name = name, Count = 9 }.DetailsProblem());
        Assert.Equal("server name is 256 characters long; at most 255 are allowed.", new LaunchRequest { Name = name, Count = 10 }.DetailsProblem());
    }

    [Fact]
    public void Wizard_RendersItsFourSteps_AndLoadsCatalogThroughTheApi()
    {
        var page = Render<LaunchWizard>();

        page.WaitForAssertion(() => Assert.Contains("/api/flavors Bearer", Api.Seen));
        Assert.Equal(["Details", "Image", "Flavor", "Review"], page.FindAll(".mud-step-label-content-title").Select(t => t.TextContent));
        Assert.Contains("/api/images Bearer", Api.Seen);
    }

    [Fact]
    public void Next_WithoutName_StaysOnDetailsAndSaysWhy()
    {
        var page = Render<LaunchWizard>();
        page.WaitForAssertion(() => Assert.Contains("/api/flavors Bearer", Api.Seen));

        page.Find(".mud-stepper-button-next").Click();

        page.WaitForAssertion(() => Assert.Equal("server name is empty; give it at least one visible character.", page.Find("[data-testid=problem]").TextContent.Trim()));
        Assert.Equal("Details", page.Find(".mud-step.active .mud-step-label-content-title").TextContent);
    }

    [Fact]
    public void Next_WithNameButNoImage_StaysOnImage()
    {
        var page = Render<LaunchWizard>();
        page.WaitForAssertion(() => Assert.Contains("/api/flavors Bearer", Api.Seen));
        page.Find("input[data-testid=name]").Input("web");
        page.Find(".mud-stepper-button-next").Click();
        page.WaitForAssertion(() => Assert.Equal("Image", page.Find(".mud-step.active .mud-step-label-content-title").TextContent));

        page.Find(".mud-stepper-button-next").Click();

        page.WaitForAssertion(() => Assert.Contains("image", page.Find("[data-testid=problem]").TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Image", page.Find(".mud-step.active .mud-step-label-content-title").TextContent);
    }

    [Fact]
    public void FlavorStep_ShowsHostsAndFreeSlots_DisablesFlavorsTheImageDoesNotFit()
    {
        Api.Answers["/api/flavors/snp.small/capacity"] = """{"flavor":"snp.small","model":"amd-sev-snp","hosts":1,"freeSlots":98,"conflict":null}""";
        Api.Answers["/api/flavors/m1.small/capacity"] = """{"flavor":"m1.small","model":null,"hosts":0,"freeSlots":null,"conflict":"hw_firmware_type 'bios' cannot boot an encrypted guest."}""";
        var page = Render<LaunchWizard>();
        page.WaitForAssertion(() => Assert.Contains("/api/flavors Bearer", Api.Seen));
        page.Find("input[data-testid=name]").Input("web");
        page.Find(".mud-stepper-button-next").Click();
        page.WaitForAssertion(() => page.Find("input[type=radio]"));
        page.Find("input[type=radio]").Click();

        page.Find(".mud-stepper-button-next").Click();

        page.WaitForAssertion(() => Assert.Equal("1 host(s) can take it, 98 free ASID slot(s)", page.Find("[data-testid='capacity-snp.small']").TextContent.Trim()));
        Assert.StartsWith("Does not fit this image: hw_firmware_type", page.Find("[data-testid='capacity-m1.small']").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("/api/flavors/snp.small/capacity Bearer", Api.Seen);
    }

    [Fact]
    public void ImageStep_ImageNoApprovedFlavorCanBoot_DisabledWithTheReason()
    {
        Api.Answers["/api/images"] = """
            [{"id":"debian-12-uefi","name":"Debian 12 UEFI","properties":{"hw_firmware_type":"uefi","hw_firmware_stateless":"true"}},
             {"id":"sev-only-bios","name":"Asks for SEV on BIOS","properties":{"hw_mem_encryption":"true","hw_firmware_type":"bios"}}]
            """;
        var page = Render<LaunchWizard>();
        page.WaitForAssertion(() => Assert.Contains("/api/flavors Bearer", Api.Seen));
        page.Find("input[data-testid=name]").Input("web");

        page.Find(".mud-stepper-button-next").Click();

        page.WaitForAssertion(() => Assert.StartsWith("Boots with amd-sev-snp, no encryption (2 approved flavor(s))", page.Find("[data-testid='fit-debian-12-uefi']").TextContent.Trim(), StringComparison.Ordinal));
        Assert.StartsWith("No approved flavor can boot it", page.Find("[data-testid='fit-sev-only-bios']").TextContent.Trim(), StringComparison.Ordinal);
        Assert.True(page.Find("input[data-testid='image-sev-only-bios'], [data-testid='image-sev-only-bios'] input").HasAttribute("disabled"));
    }
}

public sealed class ImageFitTests
{
    [Fact]
    public void ImageFit_DiskLargerThanEveryApprovedFlavors_DoesNotFitSayingWhy()
    {
        var image = new Veil.Shared.Api.Image
        {
            Id = "big",
            Name = "Big",
            Files = new(new Veil.Shared.Guests.ImageFile("blob:veil-images/big/disk/1", 1, new string('0', 64), "qcow2") { VirtualSizeBytes = 40L << 30 }),
        };
        Veil.Shared.Api.Flavor Plain(string name, int diskGiB) => new() { Name = name, VCpus = 1, MemoryMiB = 512, DiskGiB = diskGiB, Status = Veil.Shared.Contracts.FlavorStatus.Approved };

        var none = ImageFit.Of(image, [Plain("m1.small", 20)]);
        var one = ImageFit.Of(image, [Plain("m1.small", 20), Plain("m1.large", 80)]);

        Assert.False(none.Fits);
        Assert.StartsWith("m1.small: the image's disk is 40 GiB", none.Problem, StringComparison.Ordinal);
        Assert.Equal(["m1.large"], one.Flavors);
    }
}

public sealed class LaunchReviewTests : BunitTest
{
    public LaunchReviewTests()
    {
        Api.Answers["/api/images"] = """[{"id":"debian-12-uefi","name":"Debian 12 UEFI","properties":{"hw_firmware_type":"uefi","hw_firmware_stateless":"true"}}]""";
        Api.Answers["/api/flavors"] = """[{"name":"snp.small","vCpus":2,"memoryMiB":2048,"diskGiB":20,"extraSpecs":{"hw:mem_encryption":"true","hw:mem_encryption_model":"amd-sev-snp"},"status":"approved"}]""";
        Api.Answers["/api/keypairs"] = "[]";
        Api.Answers["/api/flavors/snp.small/capacity"] = """{"flavor":"snp.small","model":"amd-sev-snp","hosts":1,"freeSlots":98,"conflict":null}""";
        Api.Answers["/api/mem-encryption/resolve"] = """{"model":"amd-sev-snp","resources":{"MEM_ENCRYPTION_CONTEXT":1},"requiredTraits":["HW_CPU_X86_AMD_SEV_SNP","COMPUTE_SECURITY_STATELESS_FIRMWARE"],"checks":["SNP needs UEFI: it is"]}""";
    }

    [Fact]
    public void Review_SaysWhatTheHostNeedsInWords_OnlyLaunchNoComplete()
    {
        var page = Review(1);

        page.WaitForAssertion(() => Assert.Equal("Encryption: SEV-SNP, on a host that offers SEV-SNP and stateless firmware", page.Find("[data-testid=encryption]").TextContent.Trim()));
        Assert.DoesNotContain("HW_CPU_X86", page.Find("[data-testid=encryption]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=launch]"));
        Assert.Empty(page.FindAll(".mud-stepper-button-next"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim().Equals("Complete", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Review_ShowsTheProjectsQuotasWithWhatTheLaunchAdds()
    {
        Api.Answers["/api/quota"] = Quota(instances: 10, snpUsed: 0, snpLimit: 5);

        var page = Review(2);

        page.WaitForAssertion(() => Assert.Equal("Instances: 5 of 10 (this launch adds 2)", Squeeze(page.Find("[data-testid=quota-instances] p").TextContent)));
        Assert.Equal("vCPUs: 10 of unlimited (this launch adds 4)", Squeeze(page.Find("[data-testid=quota-cores] p").TextContent));
        Assert.Equal("SEV-SNP contexts: 2 of 5 (this launch adds 2)", Squeeze(page.Find("[data-testid='quota-mem_encryption_context:amd-sev-snp'] p").TextContent));
        Assert.Empty(page.FindAll("[data-testid=over-quota]"));
        Assert.False(page.Find("[data-testid=launch]").HasAttribute("disabled"));
    }

    [Fact]
    public void Review_LaunchOverAQuota_SaysWhichAndLaunchIsDisabled()
    {
        Api.Answers["/api/quota"] = Quota(instances: 10, snpUsed: 1, snpLimit: 2);

        var page = Review(2);

        page.WaitForAssertion(() => Assert.StartsWith("Quota exceeded for mem_encryption_context:amd-sev-snp: requested 2, but already used 1 of 2 SEV-SNP memory-encryption contexts.", page.Find("[data-testid=over-quota]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.True(page.Find("[data-testid=launch]").HasAttribute("disabled"));
    }

    private static string Quota(int instances, int snpUsed, int snpLimit) =>
        "{\"projectId\":\"demo\",\"setByAdmin\":true,"
        + $"\"limits\":{{\"instances\":{instances},\"cores\":-1,\"ramMiB\":-1,\"memEncryptionContexts\":{{\"amd-sev\":-1,\"amd-sev-es\":-1,\"amd-sev-snp\":{snpLimit}}}}},"
        + $"\"usage\":{{\"instances\":3,\"cores\":6,\"ramMiB\":6144,\"memEncryptionContexts\":{{\"amd-sev\":0,\"amd-sev-es\":0,\"amd-sev-snp\":{snpUsed}}}}}}}";

    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    /// <summary>The wizard walked to Review for that many servers of the one image and flavor.</summary>
    private IRenderedComponent<LaunchWizard> Review(int count)
    {
        var page = Render<LaunchWizard>();
        page.WaitForAssertion(() => Assert.Contains("/api/quota Bearer", Api.Seen));
        page.Find("input[data-testid=name]").Input("web");
        page.Find("input[data-testid=count]").Change(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Find(".mud-stepper-button-next").Click();
        page.WaitForAssertion(() => page.Find("input[type=radio]"));
        page.Find("input[type=radio]").Click();
        page.Find(".mud-stepper-button-next").Click();
        page.WaitForAssertion(() => Assert.Contains("98 free", page.Markup, StringComparison.Ordinal));
        page.Find("input[type=radio]").Click();
        page.Find(".mud-stepper-button-next").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=launch]"));
        return page;
    }
}
