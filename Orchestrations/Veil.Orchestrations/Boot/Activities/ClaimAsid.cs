using Microsoft.DurableTask;
using Veil.Orchestrations.Claims;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Claims one ASID slot on the chosen provider; null when another boot took the last one first.</summary>
public sealed class ClaimAsid(AsidLedger ledger) : TaskActivity<ClaimRequest, AsidClaim?>
{
    public override Task<AsidClaim?> RunAsync(TaskActivityContext context, ClaimRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ledger.ClaimAsync(input.HostName, input.ProviderName, input.Asids, input.ServerId);
    }
}

/// <summary>Frees a server's slot on a provider (a boot's compensation when its host failed).</summary>
public sealed class ReleaseAsid(AsidLedger ledger) : TaskActivity<AsidClaim, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, AsidClaim input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ledger.ReleaseAsync(input.ProviderName, input.ServerId);
    }
}
