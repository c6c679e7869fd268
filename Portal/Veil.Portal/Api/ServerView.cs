using Veil.Shared.Contracts;

namespace Veil.Portal.Api;

/// <summary>A server as the API returns it (the fields the Portal shows).</summary>
public sealed record ServerView
{
    public Guid ServerId { get; init; }

    public string ProjectId { get; init; } = "";

    public string Name { get; init; } = "";

    public string FlavorName { get; init; } = "";

    public ServerStatus Status { get; init; }

    public ServerStep? Step { get; init; }

    public string? Model { get; init; }

    public string? HostName { get; init; }

    public int? AsidSlot { get; init; }

    public string? Fault { get; init; }

    public string? ProviderName { get; init; }

    public string? Placement { get; init; }

    public string? DomainXml { get; init; }

    public string ImageId { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}
