using System.Text;
using Veil.Shared.Api;
using Veil.Shared.Guests;

namespace Veil.Portal.Launch;

/// <summary>What the launch wizard collects, and the checks it makes before each step: the API's own rules, which it applies again.</summary>
public sealed class LaunchRequest
{
    public string Name { get; set; } = "";

    public int Count { get; set; } = 1;

    public string? ImageId { get; set; }

    public string? FlavorName { get; set; }

    /// <summary>One of the user's key pairs, or null for none.</summary>
    public string? KeyName { get; set; }

    /// <summary>User data as the tenant types it (a cloud-config, a script); the API takes it base64.</summary>
    public string UserData { get; set; } = "";

    /// <summary>The user data as the API takes it, or null when there is none.</summary>
    public string? UserDataBase64 => UserData.Length == 0 ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(UserData));

    /// <summary>Why the details step cannot be left, or null.</summary>
    public string? DetailsProblem() =>
        GuestRules.NameProblem(Name.Trim(), Count) ?? GuestRules.CountProblem(Count) ?? GuestRules.UserDataProblem(UserDataBase64);

    public string? ImageProblem() => ImageId is null ? "Choose an image." : null;

    public string? FlavorProblem() => FlavorName is null ? "Choose a flavor." : null;

    /// <summary>The API's request for these servers (their key pair and user data go on a config drive).</summary>
    public CreateServerRequest ToApiRequest() => new(Name.Trim(), FlavorName, ImageId, Count, KeyName: KeyName, UserData: UserDataBase64);
}
