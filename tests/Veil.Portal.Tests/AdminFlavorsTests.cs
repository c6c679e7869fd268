using System.Security.Claims;
using Bunit;
using Veil.Portal.Accounts;
using Veil.Portal.Components.Pages.Admin;

namespace Veil.Portal.Tests;

public sealed class AdminFlavorsTests : BunitTest
{
    public AdminFlavorsTests()
    {
        SignInAdmin();
        Api.Answers["/api/flavors"] = """
            [{"name":"snp.small","vCpus":2,"memoryMiB":2048,"diskGiB":20,"extraSpecs":{"hw:mem_encryption":"true","hw:mem_encryption_model":"amd-sev-snp"},"status":"pending","proposedBy":"alice"},
             {"name":"sev.small","vCpus":2,"memoryMiB":2048,"diskGiB":20,"extraSpecs":{"hw:mem_encryption":"true"},"status":"approved","proposedBy":"admin","decidedBy":"admin","decidedAt":"2026-11-24T06:00:00Z"}]
            """;
        Api.Answers["/api/flavors/snp.small/approve"] = "{}";
    }

    [Fact]
    public void Pending_ShowsWhoProposed_DecidedShowsWhoAndWhen()
    {
        var page = Render<Flavors>();

        page.WaitForAssertion(() => Assert.Equal("pending", page.Find("[data-testid='status-snp.small']").TextContent.Trim()));
        Assert.Contains("proposed by alice", page.Markup, StringComparison.Ordinal);
        Assert.Contains("admin, 2026-11-24", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid='approve-sev.small']"));
    }

    [Fact]
    public void Reject_WithoutReason_RefusedBeforeCallingTheApi()
    {
        var page = Render<Flavors>();
        page.WaitForAssertion(() => page.Find("[data-testid='reject-snp.small']"));

        page.Find("[data-testid='reject-snp.small']").Click();

        page.WaitForAssertion(() => Assert.Contains("Give a reason to reject snp.small", page.Find("[data-testid=message]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(Api.Seen, s => s.Contains("/reject", StringComparison.Ordinal));
    }

    [Fact]
    public void Approve_CallsTheApiAndSaysSo()
    {
        var page = Render<Flavors>();
        page.WaitForAssertion(() => page.Find("[data-testid='approve-snp.small']"));

        page.Find("[data-testid='approve-snp.small']").Click();

        page.WaitForAssertion(() => Assert.Equal("snp.small approved.", page.Find("[data-testid=message]").TextContent.Trim()));
        Assert.Contains("/api/flavors/snp.small/approve Bearer", Api.Seen);
    }
}
