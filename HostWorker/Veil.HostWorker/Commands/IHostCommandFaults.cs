namespace Veil.HostWorker.Commands;

/// <summary>
/// The points at which a test may make a command fail on purpose, such as a process killed between defining a domain
/// and starting it. Production registers no implementation; only a test's own host program does.
/// </summary>
public interface IHostCommandFaults
{
    /// <summary>Called when a spawn has defined (or found) its domain and before it starts it.</summary>
    void DomainDefined(Guid serverId);
}
