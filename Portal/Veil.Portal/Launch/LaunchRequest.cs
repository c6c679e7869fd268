using Veil.Shared.Guests;

namespace Veil.Portal.Launch;

/// <summary>What the launch wizard collects, and the checks it makes before each step: the API's own rules, which it applies again.</summary>
public sealed class LaunchRequest
{
    public string Name { get; set; } = "";

    public int Count { get; set; } = 1;

    public string? ImageId { get; set; }

    public string? FlavorName { get; set; }

    /// <summary>Why the details step cannot be left, or null.</summary>
    public string? DetailsProblem() => GuestRules.NameProblem(Name.Trim(), Count) ?? GuestRules.CountProblem(Count);

    public string? ImageProblem() => ImageId is null ? "Choose an image." : null;

    public string? FlavorProblem() => FlavorName is null ? "Choose a flavor." : null;
}
