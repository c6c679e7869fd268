using System.ComponentModel.DataAnnotations;
using Veil.Shared.Guests;

namespace Veil.Shared.Api;

/// <summary>
/// Body of <c>POST /api/servers</c>: <paramref name="Count"/> servers (1 when left out) of a flavor and an image, with
/// nova's <c>key_name</c>, <c>user_data</c> (base64) and <c>config_drive</c>. A key pair or user data implies the
/// config drive, the only way they reach the guest.
/// </summary>
public sealed record CreateServerRequest(
    string? Name,
    string? FlavorName,
    string? ImageId,
    [property: Range(1, GuestRules.MaxServersPerLaunch)] int? Count = null,
    Dictionary<string, string>? Metadata = null,
    string? KeyName = null,
    string? UserData = null,
    bool? ConfigDrive = null);
