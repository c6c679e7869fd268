using Veil.Shared.Contracts;

namespace Veil.HostWorker.Storage;

/// <summary>An image file could not be made ready on this host; <see cref="Code"/> says which way it failed.</summary>
public sealed class ImageFetchException : Exception
{
    public ImageFetchException(HostFailureCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    public ImageFetchException()
        : this(HostFailureCode.ImageUnavailable, "The image file could not be fetched.")
    {
    }

    public ImageFetchException(string message)
        : this(HostFailureCode.ImageUnavailable, message)
    {
    }

    public ImageFetchException(string message, Exception innerException)
        : this(HostFailureCode.ImageUnavailable, message, innerException)
    {
    }

    /// <summary><see cref="HostFailureCode.ImageUnavailable"/> or <see cref="HostFailureCode.ImageMismatch"/>.</summary>
    public HostFailureCode Code { get; }
}
