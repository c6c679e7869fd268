using System.Xml;
using System.Xml.Linq;

namespace Veil.Shared.Hosts;

/// <summary>
/// Loads XML that comes from outside Veil (libvirt's answers, domain definitions): no DTDs, no external resolution,
/// a size bound, and a malformed document reported as an error message instead of an exception.
/// </summary>
internal static class SafeXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };

    /// <summary>The root element, or null with <paramref name="error"/> saying why the text is not usable XML.</summary>
    public static XElement? TryLoad(string xml, out string? error)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            error = null;
            return XElement.Load(reader);
        }
        catch (XmlException e)
        {
            error = e.Message;
            return null;
        }
    }
}
