using System.Diagnostics;
using Veil.ServiceDefaults;

namespace Veil.HostWorker.Libvirt;

/// <summary>
/// The libvirt calls that change a domain, as spans of the host command's trace: named for the libvirt API
/// (<c>virDomainDefineXML</c>), with the domain's name and, when libvirt refused, its error code, domain and words.
/// </summary>
internal static class LibvirtSpans
{
    /// <summary>Runs <paramref name="call"/> in a span; <paramref name="domainName"/> is read only when traced.</summary>
    public static T Run<T>(string operation, Func<T> call, Func<T, string?> domainName)
    {
        using var span = VeilTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        try
        {
            var result = call();
            if (span is not null)
            {
                span.SetTag("libvirt.domain", domainName(result));
            }

            return result;
        }
        catch (LibvirtException e)
        {
            span?.SetTag("libvirt.error.code", e.Code);
            span?.SetTag("libvirt.error.domain", e.ErrorDomain);
            span?.SetTag("libvirt.error.message", e.LibvirtMessage);
            span.Failed(e);
            throw;
        }
    }
}
