using System.Xml.Linq;

namespace Veil.Portal.Api;

/// <summary>The <c>&lt;launchSecurity&gt;</c> element of the domain XML libvirt holds: its type and guest policy.</summary>
public sealed record LaunchSecurity(string Type, string? Policy)
{
    /// <summary>Read from a domain's XML; null when there is none, or the XML cannot be read.</summary>
    public static LaunchSecurity? From(string? domainXml)
    {
        if (string.IsNullOrWhiteSpace(domainXml))
        {
            return null;
        }

        try
        {
            var element = XDocument.Parse(domainXml).Root?.Element("launchSecurity");
            return element?.Attribute("type")?.Value is { } type ? new LaunchSecurity(type, element.Element("policy")?.Value.Trim()) : null;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
