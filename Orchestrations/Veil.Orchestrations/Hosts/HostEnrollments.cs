using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Azure.Storage.Sas;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Hosts;

/// <summary>An enrolled host as admins see it: no key, no signatures.</summary>
public sealed record HostEnrollment(string HostName, int Generation, DateTimeOffset IssuedAt, DateTimeOffset ExpiresOn);

/// <summary>
/// Which hosts may act in Veil, and with what (table <c>VeilHostEnrollments</c>, one row per host). Enrolling a host
/// makes its command queue and its own container, sets on each a stored access policy named for this generation, and
/// issues a <see cref="HostCredential"/>: signatures bound to those policies (revoked by removing them), add-only on the
/// events queue and read-only on the images (both until the credential expires), and a fresh key for signing its
/// messages. Enrolling again rotates: the next generation's policies and key replace the last's at once. Revoking
/// removes the policies, the row and the host's row in the hosts table: the host can no longer take a command, write
/// its container or be believed.
/// </summary>
public sealed class HostEnrollments(StorageAccount storage, string eventsQueue, TimeProvider time)
{
    public const string TableName = "VeilHostEnrollments";

    private const string PartitionKey = "host";

    /// <summary>How long a credential's signatures work: rotate before.</summary>
    public static readonly TimeSpan CredentialLifetime = TimeSpan.FromDays(365);

    /// <summary>The container of image files, which every host may read.</summary>
    public const string ImagesContainer = Images.ImageUploads.Container;

    /// <summary>Enrolls <paramref name="hostName"/>, or rotates its credential if it is enrolled.</summary>
    public async Task<HostCredential> EnrollAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var problem = HostNameProblem(hostName);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(hostName));
        }

        var table = await storage.TableAsync(TableName);
        var generation = (await GetAsync(hostName, cancellationToken))?.Generation + 1 ?? 1;
        var now = time.GetUtcNow();
        var expires = now + CredentialLifetime;
        var policy = $"veil-host-{generation}";
        var commands = await storage.QueueAsync(HostQueues.Commands(hostName));
        await commands.SetAccessPolicyAsync([new QueueSignedIdentifier { Id = policy, AccessPolicy = new QueueAccessPolicy { StartsOn = now.AddMinutes(-5), ExpiresOn = expires, Permissions = "rpu" } }], cancellationToken);
        var container = await storage.ContainerAsync(HostQueues.Container(hostName));
        await container.SetAccessPolicyAsync(PublicAccessType.None, [new BlobSignedIdentifier { Id = policy, AccessPolicy = new BlobAccessPolicy { PolicyStartsOn = now.AddMinutes(-5), PolicyExpiresOn = expires, Permissions = "racwdl" } }], cancellationToken: cancellationToken);
        var events = await storage.QueueAsync(eventsQueue);
        var images = await storage.ContainerAsync(ImagesContainer);
        var key = RandomNumberGenerator.GetBytes(32);
        var credential = new HostCredential(
            hostName,
            generation,
            now,
            expires,
            commands.GenerateSasUri(new QueueSasBuilder { QueueName = commands.Name, Identifier = policy }),
            events.GenerateSasUri(QueueSasPermissions.Add, expires),
            container.GenerateSasUri(new BlobSasBuilder { BlobContainerName = container.Name, Resource = "c", Identifier = policy }),
            images.GenerateSasUri(BlobContainerSasPermissions.Read, expires),
            Convert.ToBase64String(key));
        await table.UpsertEntityAsync(new TableEntity(PartitionKey, hostName)
        {
            ["Generation"] = generation,
            ["Key"] = credential.Key,
            ["IssuedAt"] = now,
            ["ExpiresOn"] = expires,
        }, TableUpdateMode.Replace, cancellationToken);
        return credential;
    }

    /// <summary>Takes the host's enrollment away; false when it had none.</summary>
    public async Task<bool> RevokeAsync(string hostName, CancellationToken cancellationToken = default)
    {
        if (HostNameProblem(hostName) is not null || await GetAsync(hostName, cancellationToken) is null)
        {
            return false;
        }

        await (await storage.QueueAsync(HostQueues.Commands(hostName))).SetAccessPolicyAsync([], cancellationToken);
        await (await storage.ContainerAsync(HostQueues.Container(hostName))).SetAccessPolicyAsync(PublicAccessType.None, [], cancellationToken: cancellationToken);
        await (await storage.TableAsync(TableName)).DeleteEntityAsync(PartitionKey, hostName, ETag.All, cancellationToken);
        await new HostReports(storage).ForgetAsync(hostName, cancellationToken);
        return true;
    }

    /// <summary>The host's enrollment, or null.</summary>
    public async Task<HostEnrollment?> GetAsync(string hostName, CancellationToken cancellationToken = default) =>
        await KeyAsync(hostName, cancellationToken) is { } known ? known.Enrollment : null;

    /// <summary>The host's enrollment with the key its messages must be signed with, or null when it is not enrolled.</summary>
    public async Task<(HostEnrollment Enrollment, byte[] Key)?> KeyAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, hostName, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? (Read(entity), Convert.FromBase64String(entity.GetString("Key") ?? "")) : null;
    }

    /// <summary>Every enrolled host, by name.</summary>
    public async Task<IReadOnlyList<HostEnrollment>> ListAsync(CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(TableName);
        var result = new List<HostEnrollment>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == PartitionKey, cancellationToken: cancellationToken))
        {
            result.Add(Read(row));
        }

        return [.. result.OrderBy(e => e.HostName, StringComparer.Ordinal)];
    }

    /// <summary>Why <paramref name="hostName"/> cannot be a host's name; null when it can.</summary>
    public static string? HostNameProblem(string? hostName) =>
        StorageNames.IsValidHostName(hostName)
            ? null
            : $"'{hostName}' is not a host name: use 1-{HostQueues.MaxHostNameLength} lowercase letters, digits and single hyphens (it names the queue host-<name> and the container veil-host-<name>).";

    private static HostEnrollment Read(TableEntity row) => new(
        row.RowKey,
        row.GetInt32("Generation") ?? 0,
        row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("ExpiresOn") ?? DateTimeOffset.MinValue);
}
