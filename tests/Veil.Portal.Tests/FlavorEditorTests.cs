using System.Text.Json;
using Bunit;
using Veil.Portal.Components.Catalog;
using Veil.Shared.Api;

namespace Veil.Portal.Tests;

public sealed class FlavorEditorTests : BunitTest
{
    public FlavorEditorTests()
    {
        SignInAdmin();
        Api.Answers["/api/flavors"] = "{}";
    }

    [Fact]
    public void Fresh_NothingRedBeforeAnythingIsTyped_ProposeDisabled()
    {
        var editor = Render<FlavorEditor>();

        Assert.DoesNotContain("must be", editor.Markup, StringComparison.Ordinal);
        Assert.Empty(editor.FindAll(".mud-input-error"));
        Assert.True(editor.Find("[data-testid=propose]").HasAttribute("disabled"));
    }

    [Fact]
    public void Name_Invalid_ProblemShownAtTheFieldAndProposeDisabled()
    {
        var editor = Render<FlavorEditor>();

        Type(editor, "flavor-name", "-bad name");

        editor.WaitForAssertion(() => Assert.Contains("Flavor name '-bad name' must be", editor.Markup, StringComparison.Ordinal));
        Assert.True(editor.Find("[data-testid=propose]").HasAttribute("disabled"));
    }

    [Fact]
    public void ExtraSpec_UnknownModel_NamedAsYouTypeAndProposeDisabled()
    {
        var editor = Render<FlavorEditor>();
        Type(editor, "flavor-name", "tdx.small");
        editor.Find("[data-testid=spec-add]").Click();
        editor.Find("[data-testid=spec-add]").Click();
        Type(editor, "spec-key-0", "hw:mem_encryption");
        Type(editor, "spec-value-0", "true");
        Type(editor, "spec-key-1", "hw:mem_encryption_model");

        Type(editor, "spec-value-1", "amd-tdx");

        editor.WaitForAssertion(() => Assert.Contains("amd-tdx", editor.Find("[data-testid=spec-problem]").TextContent, StringComparison.Ordinal));
        Assert.True(editor.Find("[data-testid=propose]").HasAttribute("disabled"));
    }

    [Fact]
    public void ExtraSpec_RepeatedKey_IsAProblem()
    {
        var editor = Render<FlavorEditor>();
        editor.Find("[data-testid=spec-add]").Click();
        editor.Find("[data-testid=spec-add]").Click();

        Type(editor, "spec-key-0", "hw:mem_encryption");
        Type(editor, "spec-key-1", "hw:mem_encryption");

        editor.WaitForAssertion(() => Assert.Contains(editor.FindAll("[data-testid=spec-problem]"), p => p.TextContent.Contains("'hw:mem_encryption' is given more than once", StringComparison.Ordinal)));
    }

    [Fact]
    public void SnpPreset_ShowsWhatItNeeds_AndProposeSendsTheSpecs()
    {
        var proposed = new List<string>();
        var editor = Render<FlavorEditor>(p => p.Add(e => e.OnProposed, (string name) => proposed.Add(name)));
        Type(editor, "flavor-name", "snp.medium");

        editor.Find("[data-testid=preset-snp]").Click();

        editor.WaitForAssertion(() => Assert.Contains("HW_CPU_X86_AMD_SEV_SNP", editor.Find("[data-testid=spec-ok]").TextContent, StringComparison.Ordinal));
        editor.Find("[data-testid=propose]").Click();
        editor.WaitForAssertion(() => Assert.Equal(["snp.medium"], proposed));
        using var body = JsonDocument.Parse(Api.Bodies["/api/flavors"]);
        Assert.Equal("snp.medium", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("amd-sev-snp", body.RootElement.GetProperty("extraSpecs").GetProperty("hw:mem_encryption_model").GetString());
    }
}
