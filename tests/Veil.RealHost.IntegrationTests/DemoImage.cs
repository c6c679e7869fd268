using System.Text.Json;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>Veil's demo image as infra/build-demo-image.sh left it: its files with their sizes and SHA-256.</summary>
public static class DemoImage
{
    /// <summary>What the guest prints on its serial console once it is up.</summary>
    public const string Marker = "VEIL-DEMO-GUEST: up";

    public static GuestImage Files()
    {
        var json = Path.Combine(RepoPaths.Root, ".veil", "images", "demo", "image.json");
        if (!File.Exists(json))
        {
            throw new InvalidOperationException($"{json} is missing; run infra/build-demo-image.sh (./veil test does).");
        }

        return JsonSerializer.Deserialize<GuestImage>(File.ReadAllText(json), VeilJson.Options)!;
    }
}
