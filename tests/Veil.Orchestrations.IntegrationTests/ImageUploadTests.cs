using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Veil.Orchestrations.Images;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>An admin uploads an image's files through the API; the hosts fetch them from the storage account.</summary>
[Collection(nameof(LocalVeil))]
public sealed class ImageUploadTests(LocalVeil stack)
{
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    /// <summary>A qcow2 file as far as its header's first fields go (magic, version 3, a virtual size), <paramref name="length"/> bytes in all.</summary>
    private static byte[] Qcow2(int length, long virtualSize = 1L << 30)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        byte[] header = [(byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 3];
        header.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(24), virtualSize);
        return bytes;
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string image, string part, byte[] body, string? format = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync($"/api/images/{image}/files/{part}{(format is null ? "" : "?format=" + format)}", content);
    }

    private static async Task<string> NewImageAsync(HttpClient admin)
    {
        var id = "up-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/images", new { id, properties = new Dictionary<string, string>() })).EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<Image> ImageAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<Image[]>("/api/images", Json))!.Single(i => i.Id == id);

    private async Task<int> BlobsOfAsync(string image)
    {
        var container = await stack.Services.GetRequiredService<StorageAccount>().ContainerAsync(ImageUploads.Container);
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, image + "/", CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Upload_DiskAndKernel_SizeAndSha256Measured_AServerBootsFromThem()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-upload-" + Guid.NewGuid().ToString("N")[..6]);
        var id = await NewImageAsync(admin);
        var disk = Qcow2((5 << 20) + 123); // more than one 4 MiB block
        var kernel = RandomNumberGenerator.GetBytes(70_000);

        var diskAnswer = await PutAsync(admin, id, "disk", disk, "qcow2");
        var kernelAnswer = await PutAsync(admin, id, "kernel", kernel);
        var image = await ImageAsync(tenant, id);

        Assert.Equal(HttpStatusCode.OK, diskAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kernelAnswer.StatusCode);
        Assert.Equal(disk.Length, image.Files!.Disk!.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(disk)), image.Files.Disk.Sha256);
        Assert.Equal("qcow2", image.Files.Disk.Format);
        Assert.Equal(1L << 30, image.Files.Disk.VirtualSizeBytes);
        Assert.StartsWith($"blob:{ImageUploads.Container}/{id}/disk/", image.Files.Disk.Source, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kernel)), image.Files.Kernel!.Sha256);
        Assert.Null(image.Files.Kernel.Format);

        var flavor = "plain-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 1, memoryMiB = 512, diskGiB = 1, extraSpecs = new Dictionary<string, string>() })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { })).EnsureSuccessStatusCode();
        var server = (await (await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("from-upload", flavor, id), Json)).Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        var settled = await stack.SettledAsync(server.ProjectId, server.ServerId);
        Assert.True(settled.Status == ServerStatus.Active, $"the boot ended {settled.Status}: {settled.Fault}");
        Assert.Contains("<kernel>", settled.DomainXml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_DiskLargerThanAFlavorsDisk_LaunchRefusedNamingTheFlavor_CapacitySaysWhy()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-upload-" + Guid.NewGuid().ToString("N")[..6]);
        var id = await NewImageAsync(admin);
        (await PutAsync(admin, id, "disk", Qcow2(10_000, virtualSize: 8L << 30), "qcow2")).EnsureSuccessStatusCode();
        var flavor = "small-disk-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 1, memoryMiB = 512, diskGiB = 5, extraSpecs = new Dictionary<string, string>() })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { })).EnsureSuccessStatusCode();

        var launch = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("big", flavor, id), Json);
        var problem = await launch.Content.ReadFromJsonAsync<JsonElement>();
        var capacity = await tenant.GetFromJsonAsync<FlavorCapacity>($"/api/flavors/{flavor}/capacity?imageId={id}", Json);

        Assert.Equal(HttpStatusCode.BadRequest, launch.StatusCode);
        Assert.Equal("flavorName", problem.GetProperty("field").GetString());
        Assert.Contains("the image's disk is 8 GiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("flavor's 5 GiB disk", capacity!.Conflict, StringComparison.Ordinal);
        Assert.Empty((await tenant.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json))!);
    }

    [Fact]
    public async Task Upload_APartTwice_409NamingTheFileItHas_FirstKept_SecondNotStored()
    {
        using var admin = stack.Api("ops", "admin");
        var id = await NewImageAsync(admin);
        var first = RandomNumberGenerator.GetBytes(1000);
        await PutAsync(admin, id, "kernel", first);

        var again = await PutAsync(admin, id, "kernel", RandomNumberGenerator.GetBytes(2000));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(first)), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1000, (await ImageAsync(admin, id)).Files!.Kernel!.SizeBytes);
        Assert.Equal(1, await BlobsOfAsync(id));
    }

    [Fact]
    public async Task Upload_TwoPartsAtOnce_BothLand()
    {
        using var admin = stack.Api("ops", "admin");
        var id = await NewImageAsync(admin);

        var answers = await Task.WhenAll(PutAsync(admin, id, "disk", Qcow2(300_000), "qcow2"), PutAsync(admin, id, "kernel", RandomNumberGenerator.GetBytes(300_000)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var files = (await ImageAsync(admin, id)).Files!;
        Assert.NotNull(files.Disk);
        Assert.NotNull(files.Kernel);
    }

    public static TheoryData<string, string?, string, HttpStatusCode, string> BadUploads() => new()
    {
        { "rootfs", null, "qcow2", HttpStatusCode.BadRequest, "'rootfs' is not a part of an image" },
        { "disk", null, "qcow2", HttpStatusCode.BadRequest, "A disk needs ?format=" },
        { "disk", "vmdk", "qcow2", HttpStatusCode.BadRequest, "A disk needs ?format=" },
        { "kernel", "raw", "random", HttpStatusCode.BadRequest, "A kernel has no format" },
        { "disk", "qcow2", "random", HttpStatusCode.BadRequest, "does not start with qcow2's magic" },
        { "disk", "raw", "qcow2", HttpStatusCode.BadRequest, "said to be raw but is a qcow2 image" },
        { "kernel", null, "empty", HttpStatusCode.BadRequest, "The body is empty" },
        { "initrd", null, "random", HttpStatusCode.BadRequest, "upload the kernel first" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Upload_Bad_RefusedSayingWhy_ImageUnchanged_NothingStored(string part, string? format, string body, HttpStatusCode status, string detail)
    {
        using var admin = stack.Api("ops", "admin");
        var id = await NewImageAsync(admin);
        var bytes = body switch { "qcow2" => Qcow2(10_000), "empty" => [], _ => RandomNumberGenerator.GetBytes(10_000) };

        var response = await PutAsync(admin, id, part, bytes, format);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null((await ImageAsync(admin, id)).Files);
        Assert.Equal(0, await BlobsOfAsync(id));
    }

    [Fact]
    public async Task Upload_UnknownImage404_Tenant403()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-upload");
        var id = await NewImageAsync(admin);

        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(admin, "no-such-image", "kernel", [1, 2, 3])).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(tenant, id, "kernel", [1, 2, 3])).StatusCode);
        Assert.Null((await ImageAsync(admin, id)).Files);
    }

    [Fact]
    public async Task Upload_LargerThanTheSetting_RefusedAsTooLarge_NothingCommitted()
    {
        var storage = stack.Services.GetRequiredService<StorageAccount>();
        var uploads = new ImageUploads(storage, Options.Create(new ImageOptions { MaxUploadMiB = 1 }));
        var image = "too-large-" + Guid.NewGuid().ToString("N")[..8];

        var (file, refusal) = await uploads.StoreAsync(image, "kernel", null, new MemoryStream(RandomNumberGenerator.GetBytes((1 << 20) + 1)), CancellationToken.None);
        var (fits, none) = await uploads.StoreAsync(image + "-fits", "kernel", null, new MemoryStream(RandomNumberGenerator.GetBytes(1 << 20)), CancellationToken.None);

        Assert.Null(file);
        Assert.True(refusal!.TooLarge);
        Assert.Contains("larger than 1 MiB", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await BlobsOfAsync(image));
        Assert.Null(none);
        Assert.Equal(1 << 20, fits!.SizeBytes);
    }
}
