using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Microsoft.Extensions.Options;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Storage;

namespace Veil.HostWorker.Storage;

/// <summary>
/// Image files fetched to this host, once each, kept by SHA-256 in <see cref="HostWorkerOptions.ImageCachePath"/>
/// (libvirt pool <c>veil-images</c>). A file is written under a temporary name while its size and SHA-256 are
/// checked, and only then given its name: a cached file is always a verified one, and a failed or mismatched
/// fetch leaves nothing behind.
/// </summary>
public sealed class ImageCache(Credentials.HostStorage storage, IOptions<HostWorkerOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> fetching = new(StringComparer.Ordinal);

    public string Root => options.Value.EffectiveImageCachePath;

    /// <summary>Where a verified copy of <paramref name="file"/> is on this host, fetching it first if needed.</summary>
    public async Task<string> FetchAsync(string part, ImageFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = Path.Combine(Root, file.Sha256 + (file.Format is { } format ? "." + format : ""));
        var gate = fetching.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
            {
                return path;
            }

            Directory.CreateDirectory(Root);
            var partial = $"{path}.part-{Guid.NewGuid():N}";
            try
            {
                await CopyVerifiedAsync(part, file, partial, cancellationToken);
                File.Move(partial, path);
                return path;
            }
            finally
            {
                File.Delete(partial);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Every cached file: its SHA-256 and size (files being fetched are not listed).</summary>
    public IReadOnlyList<CachedImageFile> List() => !Directory.Exists(Root) ? [] :
        [.. new DirectoryInfo(Root).EnumerateFiles().Where(f => !f.Name.Contains(".part-", StringComparison.Ordinal))
            .Select(f => new CachedImageFile(Path.GetFileNameWithoutExtension(f.Name), f.Length)).OrderBy(f => f.Sha256, StringComparer.Ordinal)];

    private async Task CopyVerifiedAsync(string part, ImageFile file, string target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await using (var source = await OpenAsync(part, file, cancellationToken))
        await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await ReadAsync(source, buffer, part, file, cancellationToken)) > 0)
            {
                length += read;
                if (length > file.SizeBytes)
                {
                    throw new GuestStorageException(HostFailureCode.ImageMismatch, $"Image {part} {file.Source} is longer than the {file.SizeBytes} bytes the image says; it was not used.");
                }

                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        if (length != file.SizeBytes)
        {
            throw new GuestStorageException(HostFailureCode.ImageMismatch, $"Image {part} {file.Source} has {length} bytes, not the {file.SizeBytes} the image says; it was not used.");
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (sha256 != file.Sha256)
        {
            throw new GuestStorageException(HostFailureCode.ImageMismatch, $"Image {part} {file.Source} has SHA-256 {sha256}, not the {file.Sha256} the image says; it was not used.");
        }
    }

    private async Task<Stream> OpenAsync(string part, ImageFile file, CancellationToken cancellationToken)
    {
        try
        {
            if (file.Source.StartsWith(ImageFile.FileScheme, StringComparison.Ordinal))
            {
                return new FileStream(file.Source[ImageFile.FileScheme.Length..], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            }

            var name = file.Source[ImageFile.BlobScheme.Length..];
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || name[..slash] != storage.Images.Name)
            {
                throw new GuestStorageException(HostFailureCode.ImageUnavailable, $"Image {part} {file.Source} is not in container {storage.Images.Name}, the only image files this host may read.");
            }

            return await storage.Images.GetBlobClient(name[(slash + 1)..]).OpenReadAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RequestFailedException or ArgumentOutOfRangeException)
        {
            throw new GuestStorageException(HostFailureCode.ImageUnavailable, $"Image {part} {file.Source} could not be read on this host: {e.Message}", e);
        }
    }

    private static async Task<int> ReadAsync(Stream source, byte[] buffer, string part, ImageFile file, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or RequestFailedException)
        {
            throw new GuestStorageException(HostFailureCode.ImageUnavailable, $"Image {part} {file.Source} could not be read to its end: {e.Message}", e);
        }
    }
}
