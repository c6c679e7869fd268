using Veil.Shared.Api;

namespace Veil.Portal.Api;

/// <summary>What the orchestration list is filtered by.</summary>
public sealed record InstanceFilter
{
    public IReadOnlyCollection<InstanceStatus> Statuses { get; init; } = [];

    public string? Name { get; init; }

    public string? IdPrefix { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public int PageSize { get; init; } = 25;
}
