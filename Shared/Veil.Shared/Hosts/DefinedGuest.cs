using System.Globalization;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>A domain already defined on a host, as far as start-up validation cares: its name and encryption model.</summary>
public sealed record DefinedGuest(string Name, Guid Uuid, MemoryEncryptionModel? Model)
{
    /// <summary>Reads name, UUID and launch security from a domain's XML; unreadable XML yields null.</summary>
    public static DefinedGuest? FromDomainXml(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        if (SafeXml.TryLoad(xml, out _) is not { } root)
        {
            return null;
        }

        var launchSecurity = root.Element("launchSecurity");
        var type = (string?)launchSecurity?.Attribute("type");
        var policy = ParsePolicy((string?)launchSecurity?.Element("policy"));
        _ = Guid.TryParse((string?)root.Element("uuid"), out var uuid);
        return new DefinedGuest(((string?)root.Element("name"))?.Trim() ?? "", uuid, MemoryEncryptionModels.FromLaunchSecurity(type, policy));
    }

    private static uint ParsePolicy(string? text)
    {
        var t = text?.Trim() ?? "";
        return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : 0
            : uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : 0;
    }
}
