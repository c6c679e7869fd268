using Veil.Shared.Catalog;

namespace Veil.Shared.Tests.Catalog;

public sealed class FlavorRulesTests
{
    private static readonly Dictionary<string, string> NoSpecs = [];

    [Fact]
    public void Check_SnpFlavorOfSaneSize_HasNoProblems()
    {
        var specs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" };

        Assert.Empty(FlavorRules.Check("snp.large", 8, 16384, 80, specs));
    }

    [Theory]
    [InlineData("", 1, 1024, 10, "name")]
    [InlineData("-leading-dash", 1, 1024, 10, "name")]
    [InlineData("ok", 0, 1024, 10, "vCpus")]
    [InlineData("ok", 513, 1024, 10, "vCpus")]
    [InlineData("ok", 1, 64, 10, "memoryMiB")]
    [InlineData("ok", 1, 1024, 0, "diskGiB")]
    public void Check_OutOfRange_NamesTheField(string name, int vCpus, int memoryMiB, int diskGiB, string field)
    {
        var problem = Assert.Single(FlavorRules.Check(name, vCpus, memoryMiB, diskGiB, NoSpecs));

        Assert.Equal(field, problem.Field);
    }

    [Theory]
    [InlineData("hw:mem_encryption_model", "amd-sev-tdx", "amd-sev-tdx")]
    [InlineData("hw:mem_encryption", "perhaps", "perhaps")]
    public void CheckExtraSpecs_BadValue_QuotesIt(string key, string value, string quoted)
    {
        var specs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", [key] = value };

        var problem = Assert.Single(FlavorRules.CheckExtraSpecs(specs));

        Assert.Equal("extraSpecs", problem.Field);
        Assert.Contains(quoted, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckExtraSpecs_OnlyTheImageCanFix_IsNotTheFlavorsProblem()
    {
        // SNP needs stateless firmware: a property of the image, checked when a server boots with one.
        var specs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" };

        Assert.Empty(FlavorRules.CheckExtraSpecs(specs));
    }

    [Fact]
    public void CheckExtraSpecs_BlankKey_IsAProblem()
    {
        var problem = Assert.Single(FlavorRules.CheckExtraSpecs(new Dictionary<string, string> { [" "] = "x" }));

        Assert.Contains("blank", problem.Message, StringComparison.Ordinal);
    }
}
