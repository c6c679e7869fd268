namespace Veil.Shared.Api;

/// <summary>Body of <c>POST /api/servers</c>: <paramref name="Count"/> servers (1 when left out) of a flavor and an image.</summary>
public sealed record CreateServerRequest(string? Name, string? FlavorName, string? ImageId, int? Count = null, Dictionary<string, string>? Metadata = null);
