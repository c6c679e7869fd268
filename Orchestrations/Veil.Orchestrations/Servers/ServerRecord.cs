using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Servers;

/// <summary>A tenant's server as the API shows it.</summary>
public sealed record ServerRecord
{
    public required Guid ServerId { get; init; }

    public required string ProjectId { get; init; }

    public required string Name { get; init; }

    public required string FlavorName { get; init; }

    public string ImageId { get; init; } = "";

    public ServerStatus Status { get; init; } = ServerStatus.Build;

    /// <summary>What the boot is doing now: scheduling, claiming-asid, spawning.</summary>
    public string? Step { get; init; }

    public MemoryEncryptionModel? Model { get; init; }

    public string? HostName { get; init; }

    public string? ProviderName { get; init; }

    public int? AsidSlot { get; init; }

    /// <summary>Why the server is in ERROR, with the placement explanation.</summary>
    public string? Fault { get; init; }

    /// <summary>Placement's account of the boot: the host chosen and why every other host was left out.</summary>
    public string? Placement { get; init; }

    /// <summary>The domain XML libvirt holds for it.</summary>
    public string? DomainXml { get; init; }

    public string? BootInstanceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
