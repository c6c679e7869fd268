namespace Veil.Shared.Guests;

/// <summary>How a host's guests reach the network: libvirt's interface type and what it attaches to.</summary>
public enum GuestNetworkType
{
    /// <summary>A libvirt virtual network (<c>&lt;interface type='network'&gt;</c>); needs libvirt's network driver.</summary>
    Network,

    /// <summary>A host bridge the operator made (<c>&lt;interface type='bridge'&gt;</c>).</summary>
    Bridge,

    /// <summary>User-mode networking inside QEMU (outbound only; no driver, no bridge): laptops and test hosts.</summary>
    User,
}

/// <summary>What a host's guests' interfaces attach to.</summary>
/// <param name="Type">network, bridge or user.</param>
/// <param name="Source">The network's or bridge's name; null for user-mode networking.</param>
public sealed record GuestNetwork(GuestNetworkType Type, string? Source)
{
    /// <summary>libvirt's <c>default</c> network.</summary>
    public static GuestNetwork Default { get; } = new(GuestNetworkType.Network, "default");

    public override string ToString() => Source is null ? Type.ToString().ToLowerInvariant() : $"{Type.ToString().ToLowerInvariant()} '{Source}'";
}
