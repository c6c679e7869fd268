using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Veil.Storage.Leases;

/// <summary>
/// The blob service's own lease on one blob, held by one holder at a time: what makes a job run in one process at a
/// time, or a name belong to one worker. It lasts <c>duration</c> (15–60 s) and is renewed in the background every
/// third of it, so a holder that dies loses it within one duration. <see cref="Lost"/> is cancelled once another
/// holder has taken it (a renewal the service refuses); a renewal that meets a storage outage is tried again, and
/// succeeds after the outage if nobody took the lease meanwhile.
/// </summary>
public sealed class BlobLease : IAsyncDisposable
{
    private readonly BlobLeaseClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource lost = new();
    private readonly Task renewing;

    private BlobLease(BlobLeaseClient client, TimeSpan duration, TimeProvider time)
    {
        this.client = client;
        renewing = RenewAsync(duration, time);
    }

    /// <summary>Cancelled when another holder has the lease: stop what it guards.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>
    /// Takes the lease on <paramref name="blob"/> (created empty if missing) for <paramref name="holderId"/>, or
    /// null when another holder has it. The same holder taking it again gets it (a restarted worker that kept its id).
    /// </summary>
    public static async Task<BlobLease?> TryAcquireAsync(BlobClient blob, Guid holderId, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(time);
        if (duration < TimeSpan.FromSeconds(15) || duration > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A blob lease lasts 15 to 60 seconds.");
        }

        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // It exists already (and may be leased): nothing to create.
        }

        var client = blob.GetBlobLeaseClient(holderId.ToString());
        try
        {
            await client.AcquireAsync(duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        return new BlobLease(client, duration, time);
    }

    private async Task RenewAsync(TimeSpan duration, TimeProvider time)
    {
        try
        {
            while (true)
            {
                await Task.Delay(duration / 3, time, stop.Token);
                try
                {
                    await client.RenewAsync(cancellationToken: stop.Token);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    // Refused (it expired during an outage, say): the same holder may take it again if it is free.
                    if (!await TryAcquireAgainAsync(duration))
                    {
                        await lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (StorageErrors.IsUnavailable(e) && !stop.IsCancellationRequested)
                {
                    // Try again next time; if nobody took the expired lease meanwhile, the renewal gets it back.
                }
                catch (RequestFailedException) when (!stop.IsCancellationRequested)
                {
                    // Any other answer (403: the holder's credential was revoked) means it cannot be kept: say so.
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryAcquireAgainAsync(TimeSpan duration)
    {
        try
        {
            await client.AcquireAsync(duration, cancellationToken: stop.Token);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Stops renewing and gives the lease up, so the next holder need not wait for it to expire.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await renewing;
        if (!lost.IsCancellationRequested)
        {
            try
            {
                await client.ReleaseAsync();
            }
            catch (Exception e) when (StorageErrors.IsStorageFailure(e))
            {
                // Expired or away: it ends by itself within one duration.
            }
        }

        stop.Dispose();
        lost.Dispose();
    }
}
