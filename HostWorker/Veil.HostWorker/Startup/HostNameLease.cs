using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Credentials;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Storage;
using Veil.Storage.Leases;

namespace Veil.HostWorker.Startup;

/// <summary>
/// Makes the host name this worker's alone before anything is published or taken: two workers under one name would
/// take each other's commands and overwrite each other's report. The name is a blob lease (<see
/// cref="HostQueues.NameLeaseBlob"/>) held for the life of the process under this worker's id, kept in its state
/// directory (<c>worker-id</c>) so a restarted worker takes its name back at once; the directory itself is locked
/// (<c>hostworker.lock</c>), so two processes never share an id. A name held by another worker for longer than its
/// lease could outlive a dead holder refuses the start, naming the host; a name lost while running stops the worker.
/// </summary>
internal sealed partial class HostNameLease(
    HostStorage storage,
    IOptions<HostWorkerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<HostNameLease> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long the name stays held unless renewed: a worker that died gives it up within this.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    private FileStream? directoryLock;
    private BlobLease? lease;
    private CancellationTokenRegistration onLost;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var directory = settings.EffectiveStateDirectory;
        directoryLock = LockDirectory(directory);
        var workerId = WorkerId(directory);
        var until = time.GetUtcNow() + Duration + TimeSpan.FromSeconds(5);
        while (lease is null)
        {
            try
            {
                await TakeNameAsync();
            }
            catch (Azure.RequestFailedException e) when (e.Status == 403)
            {
                // Not an outage: storage does not accept this host's credential any more, and retrying will not change that.
                throw new HostStartupRefusedException(
                    $"Storage refused the credential in HostWorker:CredentialFile {settings.CredentialFile} ({e.ErrorCode ?? "403"}): it was revoked or rotated, or it has expired. Ask an admin to enroll the host again (POST /api/hosts/{settings.HostName}/credential) and give the worker what it answers.", e);
            }

            if (lease is null)
            {
                if (time.GetUtcNow() > until)
                {
                    throw new HostStartupRefusedException(
                        $"Another HostWorker holds host name '{settings.HostName}' (it has kept the name's lease for over {Duration.TotalSeconds:F0} s, so it is running). Give this host another HostWorker:HostName, or stop the other worker.");
                }

                Logs.NameHeld(logger, settings.HostName, Duration);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }

        onLost = lease.Lost.Register(() =>
        {
            Logs.NameLost(logger, settings.HostName);
            lifetime.StopApplication();
        });

        Task TakeNameAsync() => StorageOutage.WaitOutAsync(
            async ct => lease = await BlobLease.TryAcquireAsync(storage.Container.GetBlobClient(HostQueues.NameLeaseBlob), workerId, Duration, time, ct),
            (delay, e) => Logs.WaitingForStorage(logger, settings.HostName, "take its host name", delay, e.Message),
            time,
            cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await onLost.DisposeAsync();
        if (lease is not null)
        {
            await lease.DisposeAsync();
            lease = null;
        }

        directoryLock?.Dispose();
        directoryLock = null;
    }

    /// <summary>The state directory, locked for this process (the lock goes with the process, however it ends).</summary>
    private static FileStream LockDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "hostworker.lock");
        try
        {
            return new FileStream(path, OwnerOnlyFile.Options(new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None }));
        }
        catch (IOException e)
        {
            throw new HostStartupRefusedException($"Another HostWorker runs with state directory {directory} ({path} is locked: {e.Message}). Give each worker its own HostWorker:StateDirectory.", e);
        }
    }

    /// <summary>This worker's id, made once and kept in the state directory (owner-only).</summary>
    private static Guid WorkerId(string directory)
    {
        var path = Path.Combine(directory, "worker-id");
        if (File.Exists(path))
        {
            if (Guid.TryParse(File.ReadAllText(path).Trim(), out var kept))
            {
                return kept;
            }

            throw new HostStartupRefusedException($"{path} does not hold a worker id (a GUID); delete it and the worker makes a new one (the host name is then taken after its old lease ends).");
        }

        var made = Guid.NewGuid();
        using (var file = new FileStream(path, OwnerOnlyFile.Options(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write })))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine(made.ToString("D"));
        }

        return made;
    }
}
