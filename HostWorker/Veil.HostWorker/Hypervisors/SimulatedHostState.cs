using System.Xml.Linq;
using Veil.HostWorker.Libvirt;

namespace Veil.HostWorker.Hypervisors;

/// <summary>
/// A simulated host's memory. libvirt's test driver forgets its domains when the process ends, unlike libvirtd, which
/// keeps <c>/etc/libvirt/qemu/*.xml</c> and the running guests. So a simulated host writes each definition (and
/// whether it runs) to its state directory, and replays them into its fresh test hypervisor at start: a killed and
/// restarted simulated host still has its guests, as a real host would.
/// </summary>
internal sealed class SimulatedHostState(string directory)
{
    private string Domains => Path.Combine(directory, "domains");

    /// <summary>A private test hypervisor for this host: an empty node file, so hosts in one process do not share domains.</summary>
    public string PrepareNodeUri()
    {
        Directory.CreateDirectory(Domains);
        var node = Path.Combine(directory, "node.xml");
        new XDocument(new XElement("node")).Save(node);
        return "test://" + node;
    }

    /// <summary>Defines every remembered domain again and starts those that were running. Returns how many.</summary>
    public int Restore(LibvirtConnection libvirt)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Domains, "*.xml").Order(StringComparer.Ordinal))
        {
            using var domain = libvirt.Define(File.ReadAllText(file));
            if (File.Exists(Path.ChangeExtension(file, ".running")) && domain.State != DomainState.Running)
            {
                domain.Start();
            }

            count++;
        }

        return count;
    }

    public void Remember(LibvirtDomain domain)
    {
        var uuid = domain.Uuid;
        WriteAtomically(Path.Combine(Domains, $"{uuid}.xml"), domain.GetXml(inactive: true));
        var running = Path.Combine(Domains, $"{uuid}.running");
        if (domain.State is DomainState.Running or DomainState.Paused)
        {
            WriteAtomically(running, "");
        }
        else
        {
            File.Delete(running);
        }
    }

    public void Forget(Guid uuid)
    {
        File.Delete(Path.Combine(Domains, $"{uuid}.running"));
        File.Delete(Path.Combine(Domains, $"{uuid}.xml"));
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
