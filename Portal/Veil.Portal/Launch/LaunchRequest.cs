namespace Veil.Portal.Launch;

/// <summary>What the launch wizard collects, and the checks it makes before each step (the API checks again).</summary>
public sealed class LaunchRequest
{
    public string Name { get; set; } = "";

    public int Count { get; set; } = 1;

    public string? ImageId { get; set; }

    public string? FlavorName { get; set; }

    /// <summary>Why the details step cannot be left, or null.</summary>
    public string? DetailsProblem() => Name.Trim() switch
    {
        "" => "Give the server a name.",
        { Length: > 255 } => "The name is longer than 255 characters.",
        var n when n.Any(char.IsControl) => "The name contains a control character (such as a tab or newline).",
        _ when Count is < 1 or > 10 => "Launch between 1 and 10 servers at a time.",
        _ => null,
    };

    public string? ImageProblem() => ImageId is null ? "Choose an image." : null;

    public string? FlavorProblem() => FlavorName is null ? "Choose a flavor." : null;
}
