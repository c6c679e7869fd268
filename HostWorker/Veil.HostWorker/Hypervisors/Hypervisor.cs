using Microsoft.Extensions.Options;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;

namespace Veil.HostWorker.Hypervisors;

/// <summary>
/// This host's libvirt connection, open for the life of the process, and the one place domains change. Changes go
/// through here so a simulated host can remember them (<see cref="SimulatedHostState"/>); on a real host libvirtd does.
/// </summary>
public sealed class Hypervisor : IDisposable
{
    private readonly SimulatedHostState? simulated;

    public Hypervisor(IOptions<HostWorkerOptions> options)
    {
        var settings = options.Value;
        simulated = settings.Simulated ? new SimulatedHostState(settings.EffectiveStateDirectory) : null;
        var uri = settings.LibvirtUri ?? simulated?.PrepareNodeUri() ?? "qemu:///system";
        Connection = LibvirtConnection.Open(uri);
        RestoredDomains = simulated?.Restore(Connection) ?? 0;
    }

    public LibvirtConnection Connection { get; }

    /// <summary>Domains a simulated host brought back from its state directory at start.</summary>
    public int RestoredDomains { get; }

    public bool IsSimulated => simulated is not null;

    /// <summary>Records the domain's definition and run state (simulated hosts only).</summary>
    public void Remember(LibvirtDomain domain) => simulated?.Remember(domain);

    public void Forget(Guid uuid) => simulated?.Forget(uuid);

    /// <summary>Every domain of Veil's on the host (named <c>veil-&lt;uuid&gt;</c>; others are not Veil's to report), with its encryption model read from its XML and its state.</summary>
    public IReadOnlyList<HostDomain> ListDomains()
    {
        var result = new List<HostDomain>();
        foreach (var domain in Connection.ListAllDomains())
        {
            using (domain)
            {
                if (!IsVeils(domain))
                {
                    continue;
                }

                var guest = DefinedGuest.FromDomainXml(domain.GetXml(inactive: true));
                result.Add(new HostDomain(domain.Uuid, domain.Name, guest?.Model, StateName(domain.State)));
            }
        }

        return result;
    }

    /// <summary>Whether Veil made the domain: it is named <c>veil-&lt;uuid&gt;</c> after its own UUID.</summary>
    public static bool IsVeils(LibvirtDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.Name == Veil.Shared.Guests.GuestDomainXml.DomainName(domain.Uuid);
    }

    /// <summary>libvirt's state as the word Veil's messages use.</summary>
    public static string StateName(DomainState? state) => state switch
    {
        null => "absent",
        DomainState.Running => "running",
        DomainState.Paused => "paused",
        DomainState.ShutOff => "shut-off",
        DomainState.ShuttingDown => "shutting-down",
        DomainState.Crashed => "crashed",
        DomainState.Blocked => "blocked",
        DomainState.PMSuspended => "pm-suspended",
        _ => "unknown",
    };

    public void Dispose() => Connection.Dispose();
}
