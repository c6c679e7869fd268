using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Veil.HostWorker.Credentials;
using Veil.HostWorker.Startup;
using Veil.Orchestrations.Hosts;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>
/// What a host's credential lets it do against the real Azurite, and what not: a compromised host reaches its own
/// command queue and container, adds to the events queue and reads images — nothing else, and nothing once revoked
/// or rotated.
/// </summary>
public sealed class HostCredentialTests
{
    private readonly StorageAccount account = new(Azurite.Shared.ConnectionString);

    private HostEnrollments Enrollments(string events) => new(account, events, TimeProvider.System);

    private static string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Credential_ReachesItsOwnQueueAndContainer_AddsToEvents_ReadsImages_AndNothingElse()
    {
        var host = Name("genoa");
        var other = Name("milan");
        var events = "ev-" + host;
        var credential = await Enrollments(events).EnrollAsync(host);
        await Enrollments(events).EnrollAsync(other);
        await (await account.QueueAsync(HostQueues.Commands(other))).SendMessageAsync("someone else's command");
        var images = await account.ContainerAsync(HostEnrollments.ImagesContainer);
        await images.GetBlobClient($"{host}/disk").UploadAsync(BinaryData.FromString("image bytes"), overwrite: true);

        // What it may do.
        var commands = new QueueClient(credential.Commands);
        await (await account.QueueAsync(HostQueues.Commands(host))).SendMessageAsync("a command");
        Assert.Equal("a command", (await commands.ReceiveMessageAsync()).Value.Body.ToString());
        await new QueueClient(credential.Events).SendMessageAsync("an answer");
        var own = new BlobContainerClient(credential.Container);
        await own.GetBlobClient(HostQueues.DomainsBlob).UploadAsync(BinaryData.FromString("{}"), overwrite: true);
        Assert.Equal("image bytes", (await new BlobContainerClient(credential.Images).GetBlobClient($"{host}/disk").DownloadContentAsync()).Value.Content.ToString());

        // What it may not: another host's queue and container, reading the events, writing images, the tables.
        await Refused(() => WithSignature(credential.Commands, HostQueues.Commands(other), u => new QueueClient(u)).ReceiveMessageAsync());
        await Refused(() => WithSignature(credential.Commands, HostQueues.Commands(other), u => new QueueClient(u)).SendMessageAsync("spoofed"));
        await Refused(() => WithSignature(credential.Container, HostQueues.Container(other), u => new BlobContainerClient(u)).GetBlobClient(HostQueues.DomainsBlob).UploadAsync(BinaryData.FromString("{}"), overwrite: true));
        await Refused(() => new QueueClient(credential.Events).ReceiveMessageAsync());
        await Refused(() => new BlobContainerClient(credential.Images).GetBlobClient($"{host}/planted").UploadAsync(BinaryData.FromString("x")));
        var signature = new AzureSasCredential(credential.Commands.Query.TrimStart('?'));
        await Refused(() => Table(HostQueues.HostsTable, signature).UpsertEntityAsync(new TableEntity("host", other)));
        await Refused(async () =>
        {
            await foreach (var _ in Table("VeilServers", signature).QueryAsync<TableEntity>())
            {
            }
        });
    }

    [Fact]
    public async Task Revoked_TheCredentialTakesNoCommandAndWritesNothing()
    {
        var host = Name("genoa");
        var credential = await Enrollments("ev-" + host).EnrollAsync(host);
        await (await account.QueueAsync(HostQueues.Commands(host))).SendMessageAsync("a command");

        Assert.True(await Enrollments("ev-" + host).RevokeAsync(host));

        await Refused(() => new QueueClient(credential.Commands).ReceiveMessageAsync());
        await Refused(() => new BlobContainerClient(credential.Container).GetBlobClient(HostQueues.DomainsBlob).UploadAsync(BinaryData.FromString("{}"), overwrite: true));
        Assert.Null(await Enrollments("ev-" + host).GetAsync(host));
        Assert.False(await Enrollments("ev-" + host).RevokeAsync(host));
    }

    [Fact]
    public async Task Rotated_TheLastCredentialStopsWorking_TheNewOneWorks()
    {
        var host = Name("genoa");
        var first = await Enrollments("ev-" + host).EnrollAsync(host);
        var second = await Enrollments("ev-" + host).EnrollAsync(host);
        await (await account.QueueAsync(HostQueues.Commands(host))).SendMessageAsync("a command");

        Assert.Equal((1, 2), (first.Generation, second.Generation));
        Assert.NotEqual(first.Key, second.Key);
        await Refused(() => new QueueClient(first.Commands).ReceiveMessageAsync());
        Assert.Equal("a command", (await new QueueClient(second.Commands).ReceiveMessageAsync()).Value.Body.ToString());
    }

    [Fact]
    public async Task Revoked_TheWorkerStopsItself_AndARestartIsRefusedSayingWhatToDo()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var stopped = new TaskCompletionSource();
        worker.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.Register(() => stopped.TrySetResult());

        Assert.True(await Enrollments(worker.EventsQueue).RevokeAsync(worker.HostName));

        // Its name lease can no longer be renewed: the worker stops rather than run on without its name.
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await worker.StopAsync();
        var refused = await Assert.ThrowsAsync<HostStartupRefusedException>(worker.StartAsync);
        Assert.Contains($"Storage refused the credential in HostWorker:CredentialFile {worker.CredentialFile}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"POST /api/hosts/{worker.HostName}/credential", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other-host", "was issued to host 'other-")]
    [InlineData("world-readable", "can be read by others than its owner")]
    [InlineData("garbage", "is not a host credential")]
    [InlineData("missing", "does not exist")]
    public async Task BadCredentialFile_WorkerRefusesToStartSayingWhy(string kind, string why)
    {
        var state = Directory.CreateTempSubdirectory("veil-host-").FullName;
        try
        {
            var host = Name("genoa");
            var path = Path.Combine(state, "credential.json");
#pragma warning disable CA1416 // HostWorkers run on Linux, and so do these tests
            switch (kind)
            {
                case "other-host":
                    (await Enrollments("ev-" + host).EnrollAsync(Name("other"))).Save(path);
                    break;
                case "world-readable":
                    (await Enrollments("ev-" + host).EnrollAsync(host)).Save(path);
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
                    break;
                case "garbage":
                    await File.WriteAllTextAsync(path, "{ \"hostName\": ");
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    break;
            }
#pragma warning restore CA1416

            var refused = Assert.Throws<HostStartupRefusedException>(() => HostCredentialFile.Read(path, host));

            Assert.Contains($"HostWorker:CredentialFile {path} {why}", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>The signature of <paramref name="signed"/> put on another resource's address, as a host that tries its luck would.</summary>
    private static T WithSignature<T>(Uri signed, string otherName, Func<Uri, T> client)
    {
        var path = signed.AbsolutePath;
        var builder = new UriBuilder(signed) { Path = path[..(path.LastIndexOf('/') + 1)] + otherName };
        return client(builder.Uri);
    }

    private TableClient Table(string name, AzureSasCredential signature) => new(new Uri($"{account.TableEndpoint.ToString().TrimEnd('/')}/{name}"), signature);

    private static async Task Refused(Func<Task> attempt)
    {
        var refused = await Assert.ThrowsAsync<RequestFailedException>(attempt);
        Assert.Equal(403, refused.Status);
    }
}
