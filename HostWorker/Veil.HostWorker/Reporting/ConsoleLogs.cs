using System.Collections.Concurrent;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.HostWorker.Credentials;

namespace Veil.HostWorker.Reporting;

/// <summary>
/// Publishes the end of each guest's serial console (the file QEMU writes, <see cref="InstanceFiles.ConsoleLog"/>)
/// to the host's own container, where the API reads it for its owner (nova's os-getConsoleOutput). A log is uploaded only when
/// it has changed since the last upload; the last <see cref="HostQueues.ConsoleLogMaxBytes"/> are kept.
/// </summary>
public sealed class ConsoleLogs(HostStorage storage, IOptions<HostWorkerOptions> options)
{
    private readonly ConcurrentDictionary<Guid, (long Length, DateTime Written)> published = new();

    /// <summary>Uploads the console log of every server given whose file changed.</summary>
    public async Task PublishChangedAsync(IEnumerable<Guid> serverIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverIds);
        foreach (var serverId in serverIds)
        {
            var file = new FileInfo(new InstanceFiles(options.Value.EffectiveInstancesPath, serverId).ConsoleLog);
            if (!file.Exists || published.TryGetValue(serverId, out var last) && last == (file.Length, file.LastWriteTimeUtc))
            {
                continue;
            }

            var seen = (file.Length, file.LastWriteTimeUtc);
            await using (var tail = OpenTail(file))
            {
                await storage.Container.GetBlobClient(HostQueues.ConsoleLogBlob(serverId)).UploadAsync(tail, new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
                    Metadata = new Dictionary<string, string> { ["host"] = options.Value.HostName },
                }, cancellationToken);
            }

            published[serverId] = seen;
        }
    }

    /// <summary>Removes a deleted server's console log.</summary>
    public async Task RemoveAsync(Guid serverId, CancellationToken cancellationToken)
    {
        published.TryRemove(serverId, out _);
        await storage.Container.DeleteBlobIfExistsAsync(HostQueues.ConsoleLogBlob(serverId), cancellationToken: cancellationToken);
    }

    private static FileStream OpenTail(FileInfo file)
    {
        // QEMU keeps writing while this reads: share the file, and read from a fixed start.
        var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Max(0, stream.Length - HostQueues.ConsoleLogMaxBytes), SeekOrigin.Begin);
        return stream;
    }
}
