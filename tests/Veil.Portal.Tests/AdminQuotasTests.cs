using System.Text.Json;
using Bunit;
using Veil.Portal.Components.Pages.Admin;

namespace Veil.Portal.Tests;

public sealed class AdminQuotasTests : BunitTest
{
    public AdminQuotasTests()
    {
        SignInAdmin();
        Api.Answers["/api/admin/quotas"] = """
            [{"projectId":"alpha","setByAdmin":true,"limits":{"instances":4,"cores":8,"ramMiB":8192,"memEncryptionContexts":{"amd-sev":-1,"amd-sev-es":0,"amd-sev-snp":2}},
              "usage":{"instances":3,"cores":6,"ramMiB":6144,"memEncryptionContexts":{"amd-sev":0,"amd-sev-es":0,"amd-sev-snp":2}}}]
            """;
        Api.Answers["/api/admin/quotas/alpha"] = "{}";
    }

    [Fact]
    public void Projects_ShowUsageOfTheirLimits()
    {
        var page = Render<Quotas>();

        page.WaitForAssertion(() => Assert.Equal("alpha", page.Find("[data-testid=quota-project]").TextContent.Trim()));
        Assert.Contains("3 of 4", page.Find("[data-testid=quota-instances]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2 of 2", page.Find("[data-testid='quota-mem_encryption_context:amd-sev-snp']").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid='quota-mem_encryption_context:amd-sev']")); // none held: not shown
    }

    [Fact]
    public void EditARow_Save_PutsTheWholeSetForThatProject()
    {
        var page = Render<Quotas>();
        page.WaitForAssertion(() => page.Find("[data-testid=quota-project]"));
        page.Find("[data-testid=quota-project]").Click();
        page.WaitForAssertion(() => page.Find("input[data-testid=quota-cores]"));

        page.Find("input[data-testid=quota-cores]").Change("16");
        page.Find("[data-testid=quota-save]").Click();

        page.WaitForAssertion(() => Assert.True(Api.Bodies.ContainsKey("/api/admin/quotas/alpha")));
        var sent = JsonDocument.Parse(Api.Bodies["/api/admin/quotas/alpha"]).RootElement;
        Assert.Equal(16, sent.GetProperty("cores").GetInt32());
        Assert.Equal(4, sent.GetProperty("instances").GetInt32());
        Assert.Equal(2, sent.GetProperty("memEncryptionContexts").GetProperty("amd-sev-snp").GetInt32());
        Assert.Equal(0, sent.GetProperty("memEncryptionContexts").GetProperty("amd-sev-es").GetInt32());
    }
}
