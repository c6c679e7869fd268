namespace Veil.Shared.Guests;

/// <summary>
/// Where a guest's files are on its host: its disk overlay (a volume of the host's <c>veil-instances</c> pool) and,
/// in a folder of its own, the kernel and initrd it boots, its config drive and its console log. The domain XML
/// and the HostWorker that makes and removes these files both read them from here.
/// </summary>
public sealed record InstanceFiles(string InstancesPath, Guid ServerId)
{
    /// <summary>The libvirt storage pool whose target is <see cref="InstancesPath"/>.</summary>
    public const string PoolName = "veil-instances";

    public string Root => InstancesPath.TrimEnd('/');

    public string DiskVolume => $"{ServerId:D}.qcow2";

    public string Disk => $"{Root}/{DiskVolume}";

    public string Directory => $"{Root}/{ServerId:D}";

    public string Kernel => $"{Directory}/kernel";

    public string Initrd => $"{Directory}/initrd";

    public string ConfigDrive => $"{Directory}/disk.config";

    public string ConsoleLog => $"{Directory}/console.log";
}
