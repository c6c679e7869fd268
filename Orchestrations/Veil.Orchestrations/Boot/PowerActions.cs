using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Boot;

/// <summary>What each power action needs and leaves: the one place the API and <see cref="PowerServer"/> read it.</summary>
public static class PowerActions
{
    /// <summary>The step a server shows while the action runs.</summary>
    public static ServerStep Step(HostCommandKind kind) => kind switch
    {
        HostCommandKind.Stop => ServerStep.Stopping,
        HostCommandKind.Start => ServerStep.Starting,
        HostCommandKind.Reboot => ServerStep.Rebooting,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Power actions are stop, start and reboot."),
    };

    /// <summary>The status a server must have for the action (and keeps when it fails).</summary>
    public static ServerStatus Needs(HostCommandKind kind) => kind == HostCommandKind.Start ? ServerStatus.Shutoff : ServerStatus.Active;

    /// <summary>The status the action leaves a server in when it succeeds.</summary>
    public static ServerStatus Leaves(HostCommandKind kind) => kind == HostCommandKind.Stop ? ServerStatus.Shutoff : ServerStatus.Active;
}
