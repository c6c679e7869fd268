using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Tests.MemoryEncryption;

public sealed class MemoryEncryptionModelsTests
{
    [Theory]
    [InlineData(MemoryEncryptionModel.AmdSev, "amd-sev", "HW_CPU_X86_AMD_SEV", "0x0033", "sev", true, AsidPool.Sev)]
    [InlineData(MemoryEncryptionModel.AmdSevEs, "amd-sev-es", "HW_CPU_X86_AMD_SEV_ES", "0x0037", "sev", true, AsidPool.EncryptedState)]
    [InlineData(MemoryEncryptionModel.AmdSevSnp, "amd-sev-snp", "HW_CPU_X86_AMD_SEV_SNP", "0x00030000", "sev-snp", false, AsidPool.EncryptedState)]
    public void Info_EachModel_MatchesNovaRulesTable(MemoryEncryptionModel model, string name, string trait, string policy, string type, bool locked, AsidPool pool)
    {
        var info = model.Info();

        Assert.Equal((name, trait, policy, type, locked, pool), (info.Name, info.Trait, info.PolicyText, info.LaunchSecurityType, info.LocksMemory, info.Pool));
    }

    [Theory]
    [InlineData("sev", 0x0033u, MemoryEncryptionModel.AmdSev)]
    [InlineData("sev", 0x0037u, MemoryEncryptionModel.AmdSevEs)]
    [InlineData("sev", 0x0004u, MemoryEncryptionModel.AmdSevEs)]
    [InlineData("sev-snp", 0x00030000u, MemoryEncryptionModel.AmdSevSnp)]
    [InlineData("s390-pv", 0u, null)]
    [InlineData(null, 0u, null)]
    public void FromLaunchSecurity_TypeAndPolicy_GiveTheModel(string? type, uint policy, MemoryEncryptionModel? expected)
    {
        Assert.Equal(expected, MemoryEncryptionModels.FromLaunchSecurity(type, policy));
    }
}
