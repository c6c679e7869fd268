using System.Globalization;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Hosts;

/// <summary>A domain defined on a host: its name, UUID and encryption model, and its launch security as libvirt holds it.</summary>
public sealed record DefinedGuest(string Name, Guid Uuid, MemoryEncryptionModel? Model)
{
    /// <summary>The <c>&lt;launchSecurity type&gt;</c> (<c>sev</c>, <c>sev-snp</c>); null when the domain has none.</summary>
    public string? LaunchSecurityType { get; init; }

    /// <summary>The launch security's guest policy as written (e.g. <c>0x0033</c>); null when absent.</summary>
    public string? Policy { get; init; }

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
        var policyText = ((string?)launchSecurity?.Element("policy"))?.Trim();
        _ = Guid.TryParse((string?)root.Element("uuid"), out var uuid);
        return new DefinedGuest(((string?)root.Element("name"))?.Trim() ?? "", uuid, MemoryEncryptionModels.FromLaunchSecurity(type, ParsePolicy(policyText)))
        {
            LaunchSecurityType = type,
            Policy = policyText,
        };
    }

    private static uint ParsePolicy(string? text)
    {
        var t = text?.Trim() ?? "";
        return t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : 0
            : uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : 0;
    }
}
