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
    [InlineData("", 1, "Give the server a name.")]
    [InlineData("   ", 1, "Give the server a name.")]
    [InlineData("web\t1", 1, "The name contains a control character (such as a tab or newline).")]
    [InlineData("web", 0, "Launch between 1 and 10 servers at a time.")]
    [InlineData("web", 11, "Launch between 1 and 10 servers at a time.")]
    [InlineData("web", 3, null)]
    public void Details_Validation_NamesTheProblem(string name, int count, string? problem) =>
        Assert.Equal(problem, new LaunchRequest { Name = name, Count = count }.DetailsProblem());

    [Fact]
    public void Details_NameTooLong_Refused() =>
        Assert.Equal("The name is longer than 255 characters.", new LaunchRequest { Name = new string('a', 256) }.DetailsProblem());

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

        page.WaitForAssertion(() => Assert.Equal("Give the server a name.", page.Find("[data-testid=problem]").TextContent.Trim()));
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
