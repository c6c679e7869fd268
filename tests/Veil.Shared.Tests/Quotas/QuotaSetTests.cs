using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.MemoryEncryption;
using Veil.Shared.Quotas;

namespace Veil.Shared.Tests.Quotas;

public sealed class QuotaSetTests
{
    private static readonly QuotaSet Limits = new(4, 8, 8192, new Dictionary<string, int> { ["amd-sev"] = QuotaSet.Unlimited, ["amd-sev-es"] = 0, ["amd-sev-snp"] = 2 });

    [Fact]
    public void UsedBy_CountsEveryServerButDeletedOnes_ErrorStillCounts()
    {
        var used = QuotaSet.UsedBy([
            Server(ServerStatus.Active, 2, 2048, MemoryEncryptionModel.AmdSevSnp),
            Server(ServerStatus.Error, 1, 512, null),
            Server(ServerStatus.Deleting, 4, 4096, MemoryEncryptionModel.AmdSev),
            Server(ServerStatus.Deleted, 8, 8192, MemoryEncryptionModel.AmdSevSnp),
        ]);

        Assert.Equal((3, 7, 6656), (used.Instances, used.Cores, used.RamMiB));
        Assert.Equal(1, used.MemEncryptionContexts["amd-sev-snp"]);
        Assert.Equal(1, used.MemEncryptionContexts["amd-sev"]);
        Assert.Equal(0, used.MemEncryptionContexts["amd-sev-es"]);
    }

    [Theory]
    [InlineData(1, 2, 1024, null, null)]
    [InlineData(4, 1, 512, null, "instances")] // 1 used + 4 > 4
    [InlineData(1, 8, 512, null, "cores")]
    [InlineData(1, 1, 8000, null, "ram")]
    [InlineData(2, 1, 512, MemoryEncryptionModel.AmdSevSnp, "mem_encryption_context:amd-sev-snp")]
    [InlineData(1, 1, 512, MemoryEncryptionModel.AmdSevEs, "mem_encryption_context:amd-sev-es")] // a limit of 0 allows none
    [InlineData(3, 1, 512, MemoryEncryptionModel.AmdSev, null)] // unlimited
    public void FirstExceeded_NamesTheQuotaOrNullWhenItFits(int count, int vCpus, int memoryMiB, MemoryEncryptionModel? model, string? expected)
    {
        var used = QuotaSet.UsedBy([Server(ServerStatus.Active, 1, 512, MemoryEncryptionModel.AmdSevSnp)]);

        var exceeded = Limits.FirstExceeded(used, QuotaSet.For(count, vCpus, memoryMiB, model));

        Assert.Equal(expected, exceeded?.Quota);
    }

    [Fact]
    public void Message_InNovasWords_WithTheUnit()
    {
        var exceeded = Limits.FirstExceeded(QuotaSet.None with { Cores = 6 }, QuotaSet.For(1, 4, 512, null));

        Assert.Equal("Quota exceeded for cores: requested 4, but already used 6 of 8 cores.", exceeded!.Message);
    }

    [Fact]
    public void LimitProblems_BelowMinusOneOrUnknownModel_NamedByField()
    {
        var bad = new QuotaSet(-2, 1, -1, new Dictionary<string, int> { ["amd-sev-snp"] = -5, ["intel-tdx"] = 1, [" amd-sev"] = 1 });

        Assert.Equal(["instances", "memEncryptionContexts.amd-sev-snp", "memEncryptionContexts.intel-tdx", "memEncryptionContexts. amd-sev"], bad.LimitProblems().Select(p => p.Field));
        Assert.Empty(Limits.LimitProblems());
    }

    [Fact]
    public void Over_ModelsNotNamedTakeTheDefault()
    {
        var set = new QuotaSet(1, 1, 1, new Dictionary<string, int> { ["amd-sev-snp"] = 3 }).Over(Limits);

        Assert.Equal(3, set.MemEncryptionContexts["amd-sev-snp"]);
        Assert.Equal(0, set.MemEncryptionContexts["amd-sev-es"]);
        Assert.Equal(1, set.Instances);
    }

    private static ServerRecord Server(ServerStatus status, int vCpus, int memoryMiB, MemoryEncryptionModel? model) => new()
    {
        ServerId = Guid.NewGuid(), ProjectId = "p", Name = "s", FlavorName = "f", Status = status, VCpus = vCpus, MemoryMiB = memoryMiB, Model = model,
    };
}
