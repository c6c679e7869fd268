using System.Globalization;
using System.Xml.Linq;

namespace Veil.Shared.Hosts;

/// <summary>Reads <see cref="DomainCapabilities"/> from libvirt's XML without ever throwing: a host must keep running
/// and report "unknown" when libvirt answers something odd.</summary>
public static class DomainCapabilitiesReader
{
    public static DomainCapabilities Read(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return new DomainCapabilities { Warnings = ["libvirt returned no domain capabilities"] };
        }

        if (SafeXml.TryLoad(xml, out var error) is not { } root)
        {
            return new DomainCapabilities { Warnings = [$"domain capabilities are not well-formed XML: {error}"] };
        }

        var warnings = new List<string>();
        if (root.Name.LocalName != "domainCapabilities")
        {
            warnings.Add($"domain capabilities have root element <{root.Name.LocalName}>, expected <domainCapabilities>");
            return new DomainCapabilities { Warnings = warnings };
        }

        var features = root.Element("features");
        var sev = features?.Element("sev");
        var launchSecurity = features?.Element("launchSecurity");
        var firmwareEnum = root.Element("os")?.Elements("enum").FirstOrDefault(e => (string?)e.Attribute("name") == "firmware");

        return new DomainCapabilities
        {
            Arch = Text(root.Element("arch")),
            Machine = Text(root.Element("machine")),
            SevSupported = sev is null ? null : YesNo(sev, "sev", warnings),
            CBitPos = Number(sev?.Element("cbitpos"), warnings),
            ReducedPhysBits = Number(sev?.Element("reducedPhysBits"), warnings),
            MaxGuests = Number(sev?.Element("maxGuests"), warnings),
            MaxESGuests = Number(sev?.Element("maxESGuests"), warnings),
            LaunchSecurityTypes = launchSecurity is null ? null : SecTypes(launchSecurity, warnings),
            EfiFirmware = firmwareEnum is null ? null : firmwareEnum.Elements("value").Any(v => Text(v) == "efi"),
            Warnings = warnings,
        };
    }

    private static HashSet<string> SecTypes(XElement launchSecurity, List<string> warnings)
    {
        if (YesNo(launchSecurity, "launchSecurity", warnings) != true)
        {
            return [];
        }

        return launchSecurity.Elements("enum")
            .Where(e => (string?)e.Attribute("name") == "sectype")
            .SelectMany(e => e.Elements("value"))
            .Select(Text)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool? YesNo(XElement element, string what, List<string> warnings)
    {
        var value = (string?)element.Attribute("supported");
        switch (value)
        {
            case "yes":
                return true;
            case "no":
                return false;
            default:
                warnings.Add($"<{what}> has supported='{value}', expected 'yes' or 'no'");
                return null;
        }
    }

    private static int? Number(XElement? element, List<string> warnings)
    {
        if (element is null)
        {
            return null;
        }

        if (int.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        warnings.Add($"<{element.Name.LocalName}> is '{Shorten(element.Value)}', not a non-negative whole number");
        return null;
    }

    private static string? Text(XElement? element) => element is null ? null : element.Value.Trim();

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
