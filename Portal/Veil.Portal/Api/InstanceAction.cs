namespace Veil.Portal.Api;

/// <summary>What an admin may do to an orchestration instance.</summary>
public enum InstanceAction
{
    Terminate,
    Suspend,
    Resume,
    Restart,
    Rewind,
    Purge,
}
