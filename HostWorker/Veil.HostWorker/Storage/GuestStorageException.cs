using Veil.Shared.Contracts;

namespace Veil.HostWorker.Storage;

/// <summary>A guest's storage could not be made ready on this host (an image file, its config drive); <see cref="Code"/> says which way it failed.</summary>
public sealed class GuestStorageException : Exception
{
    public GuestStorageException(HostFailureCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    public GuestStorageException()
        : this(HostFailureCode.ImageUnavailable, "The image file could not be fetched.")
    {
    }

    public GuestStorageException(string message)
        : this(HostFailureCode.ImageUnavailable, message)
    {
    }

    public GuestStorageException(string message, Exception innerException)
        : this(HostFailureCode.ImageUnavailable, message, innerException)
    {
    }

    /// <summary><see cref="HostFailureCode.ImageUnavailable"/>, <see cref="HostFailureCode.ImageMismatch"/>, <see cref="HostFailureCode.FlavorDiskSmallerThanImage"/> or <see cref="HostFailureCode.ConfigDriveFailed"/>.</summary>
    public HostFailureCode Code { get; }
}
