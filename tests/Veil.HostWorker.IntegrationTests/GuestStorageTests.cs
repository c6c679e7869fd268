using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Storage;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>What a spawn does with an image's files, on a simulated host (libvirt's test driver has real pool and volume calls).</summary>
public sealed class GuestStorageTests : IDisposable
{
    private readonly string images = Directory.CreateTempSubdirectory("veil-image-files-").FullName;

    public void Dispose() => Directory.Delete(images, recursive: true);

    private ImageFile File(string name, byte[] content, string? claimedSha256 = null, long? claimedSize = null, string? format = null)
    {
        var path = Path.Combine(images, name);
        System.IO.File.WriteAllBytes(path, content);
        return new ImageFile("file://" + path, claimedSize ?? content.Length, claimedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(content)), format);
    }

    [Fact]
    public async Task Spawn_ImageFilesVerified_CachedOnceOverlayMade_DestroyRemovesTheGuestsStorage()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var kernel = File("vmlinuz", RandomNumberGenerator.GetBytes(40_000));
        var disk = File("disk.raw", new byte[1 << 20], format: "raw");
        var guest = GuestSpecBuilder.Plain("with-files", Guid.NewGuid()) with { Image = new GuestImage(disk, kernel) };

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, outcome.Outcome);
        var cache = worker.Services.GetRequiredService<ImageCache>().List();
        Assert.Equal(new[] { disk.Sha256, kernel.Sha256 }.Order(StringComparer.Ordinal), cache.Select(c => c.Sha256));
        var storage = worker.Services.GetRequiredService<GuestStorage>();
        Assert.Equal(20UL << 30, storage.DiskOf(guest.ServerId)!.Value.Capacity);
        var files = new InstanceFiles(worker.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostWorkerOptions>>().Value.EffectiveInstancesPath, guest.ServerId);
        Assert.Equal(40_000, new FileInfo(files.Kernel).Length);
        Assert.Contains($"<kernel>{files.Kernel}</kernel>", outcome.DomainXml, StringComparison.Ordinal);

        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, guest.ServerId));
        Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);

        Assert.Null(storage.DiskOf(guest.ServerId));
        Assert.False(Directory.Exists(files.Directory));
        Assert.Equal(2, worker.Services.GetRequiredService<ImageCache>().List().Count);
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("size")]
    [InlineData("missing")]
    public async Task Spawn_ImageFileNotWhatTheImageSays_FailsWithItsCode_NothingLeftBehind(string wrong)
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var content = RandomNumberGenerator.GetBytes(10_000);
        var disk = wrong switch
        {
            "sha256" => File("disk.qcow2", content, claimedSha256: new string('a', 64), format: "qcow2"),
            "size" => File("disk.qcow2", content, claimedSize: 9_999, format: "qcow2"),
            _ => new ImageFile("file://" + Path.Combine(images, "nowhere.qcow2"), 10, new string('b', 64), "qcow2"),
        };
        var guest = GuestSpecBuilder.Plain("bad-file", Guid.NewGuid()) with { Image = new GuestImage(disk) };

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Failed, outcome.Outcome);
        Assert.Equal(wrong == "missing" ? HostFailureCode.ImageUnavailable : HostFailureCode.ImageMismatch, outcome.Failure!.Code);
        Assert.Contains(disk.Source, outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(wrong switch { "sha256" => "SHA-256", "size" => "longer than the 9999 bytes", _ => "could not be read" }, outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(worker.Services.GetRequiredService<Hypervisor>().ListDomains());
        Assert.Empty(worker.Services.GetRequiredService<ImageCache>().List());
        Assert.Empty(Directory.Exists(worker.Services.GetRequiredService<ImageCache>().Root) ? Directory.GetFiles(worker.Services.GetRequiredService<ImageCache>().Root) : []);
        Assert.Null(worker.Services.GetRequiredService<GuestStorage>().DiskOf(guest.ServerId));
    }

    [Fact]
    public async Task Spawn_WithKeyPairAndUserData_ConfigDriveCarriesThemAsCloudInitReadsIt_DestroyRemovesIt()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var publicKey = SshKeys.Ed25519();
        var userData = "#cloud-config\nruncmd:\n  - echo hello from Veil\n"u8.ToArray();
        var guest = GuestSpecBuilder.Plain("Web Server_1", Guid.NewGuid()) with
        {
            KeyPair = new GuestKey("laptop", publicKey),
            UserData = Convert.ToBase64String(userData),
            ConfigDrive = true,
            Metadata = new Dictionary<string, string> { ["role"] = "web" },
        };

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, outcome.Outcome);
        var files = new InstanceFiles(worker.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostWorkerOptions>>().Value.EffectiveInstancesPath, guest.ServerId);
        Assert.Contains(files.ConfigDrive, outcome.DomainXml, StringComparison.Ordinal);
        var drive = new Iso9660(files.ConfigDrive);
        Assert.Equal("config-2", drive.VolumeLabel);
        Assert.Equal(userData, drive.Files["openstack/latest/user_data"]);
        using var meta = System.Text.Json.JsonDocument.Parse(drive.Files["openstack/latest/meta_data.json"]);
        Assert.Equal(guest.ServerId.ToString(), meta.RootElement.GetProperty("uuid").GetString());
        Assert.Equal("web-server-1", meta.RootElement.GetProperty("hostname").GetString());
        Assert.Equal(publicKey, meta.RootElement.GetProperty("public_keys").GetProperty("laptop").GetString());
        Assert.Contains(publicKey, System.Text.Encoding.UTF8.GetString(drive.Files["openstack/latest/meta_data.json"]), StringComparison.Ordinal); // unescaped, as a shell reads it
        Assert.Equal("web", meta.RootElement.GetProperty("meta").GetProperty("role").GetString());

        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, guest.ServerId));
        Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);
        Assert.False(System.IO.File.Exists(files.ConfigDrive));
    }

    [Fact]
    public async Task Spawn_ImageDiskLargerThanTheFlavorsByItsOwnHeader_FailsSayingSo_NothingLeftBehind()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var header = new byte[4096];
        new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb }.CopyTo(header, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), 30UL << 30); // a 30 GiB disk
        var disk = File("big.qcow2", header, format: "qcow2"); // registered without its virtual size: the host reads it
        var guest = GuestSpecBuilder.Plain("too-big", Guid.NewGuid()) with { Image = new GuestImage(disk) }; // 20 GiB flavor

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Failed, outcome.Outcome);
        Assert.Equal(HostFailureCode.FlavorDiskSmallerThanImage, outcome.Failure!.Code);
        Assert.Contains("the image's disk is 30 GiB", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("flavor's 20 GiB disk", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(worker.Services.GetRequiredService<Hypervisor>().ListDomains());
        Assert.Null(worker.Services.GetRequiredService<GuestStorage>().DiskOf(guest.ServerId));
    }
}
