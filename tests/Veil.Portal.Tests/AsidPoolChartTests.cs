using Bunit;
using Veil.Portal.Api;
using Veil.Portal.Components.Admin;
using Veil.Shared.Api;

namespace Veil.Portal.Tests;

public sealed class AsidPoolChartTests : BunitTest
{
    [Fact]
    public void Pools_ChartedWithClaimedAndFree_LowHeadroomWarned()
    {
        PoolUsage[] pools =
        [
            new("genoa-snp/SEV", "amd-sev", 100, 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            new("genoa-snp/SNP", "amd-sev-snp", 10, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ];

        var chart = Render<AsidPoolChart>(p => p.Add(c => c.Pools, pools));

        Assert.NotNull(chart.Find("svg"));
        Assert.Contains("Claimed", chart.Markup, StringComparison.Ordinal);
        Assert.Equal("genoa-snp/SNP (amd-sev-snp): 9 of 10 claimed, 1 free", chart.Find("[data-testid='pool-genoa-snp/SNP']").TextContent.Trim());
        Assert.Contains("1 of 10 amd-sev-snp slots left", chart.Find("[data-testid='headroom-genoa-snp/SNP']").TextContent, StringComparison.Ordinal);
        Assert.Empty(chart.FindAll("[data-testid='headroom-genoa-snp/SEV']"));
    }

    [Fact]
    public void NoPools_SaysTheHostOffersNoEncryption()
    {
        var chart = Render<AsidPoolChart>(p => p.Add(c => c.Pools, []));

        Assert.Contains("offers no memory encryption", chart.Find("[data-testid=no-pools]").TextContent, StringComparison.Ordinal);
    }
}
