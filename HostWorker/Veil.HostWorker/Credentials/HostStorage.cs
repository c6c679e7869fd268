using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;

namespace Veil.HostWorker.Credentials;

/// <summary>
/// All a HostWorker may touch in storage, through its <see cref="HostCredential"/> (never the account's key): its own
/// command queue, its own container, the image files to read, and the events queue to add signed messages to. A
/// command it cannot read is parked by telling the Orchestrations side (a signed <see cref="HostMessageKind.Parked"/>
/// message), which keeps it with every other parked message.
/// </summary>
public sealed class HostStorage : IMessageParking
{
    /// <summary>How much of an unreadable command is kept when it is parked: the events queue takes 64 KiB a message.</summary>
    private const int ParkedBodyMaxChars = 16 * 1024;

    public HostStorage(IOptions<HostWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Credential = HostCredentialFile.Read(options.Value.CredentialFile!, options.Value.HostName);
        Commands = new QueueClient(Credential.Commands, StorageRequests.QueueOptions());
        Events = new QueueClient(Credential.Events, StorageRequests.QueueOptions());
        Container = new BlobContainerClient(Credential.Container, StorageRequests.BlobOptions());
        Images = new BlobContainerClient(Credential.Images, StorageRequests.BlobOptions());
    }

    public HostCredential Credential { get; }

    /// <summary>This host's command queue: read, take, renew and delete messages.</summary>
    public QueueClient Commands { get; }

    /// <summary>The events queue: add only, and only signed messages are believed.</summary>
    public QueueClient Events { get; }

    /// <summary>This host's own container: its name lease, domain list and console logs.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>The image files: read only.</summary>
    public BlobContainerClient Images { get; }

    /// <summary>Says <paramref name="payload"/> on the events queue, signed; gone unread after <paramref name="timeToLive"/> if given.</summary>
    public async Task SendAsync<T>(HostMessageKind kind, T payload, CancellationToken cancellationToken, TimeSpan? timeToLive = null)
    {
        var message = HostMessage.Sign(Credential, kind, payload);
        await Events.SendMessageAsync(JsonSerializer.Serialize(message, VeilJson.Options), visibilityTimeout: null, timeToLive, cancellationToken);
    }

    async Task<string> IMessageParking.ParkAsync(QueueMessageContext message, string reason, CancellationToken cancellationToken)
    {
        var body = message.Text.Length <= ParkedBodyMaxChars ? message.Text : message.Text[..ParkedBodyMaxChars] + $"… ({message.Text.Length} characters in all)";
        await SendAsync(HostMessageKind.Parked, new ParkedMessage("", message.Queue, message.MessageId, body, reason, message.DequeueCount, message.InsertedOn, DateTimeOffset.UtcNow), cancellationToken);
        return "sent to be parked by Orchestrations";
    }
}
