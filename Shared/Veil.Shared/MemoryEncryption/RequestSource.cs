namespace Veil.Shared.MemoryEncryption;

/// <summary>Where a value in a request came from.</summary>
public enum RequestSource
{
    /// <summary>A flavor extra spec.</summary>
    Flavor,

    /// <summary>An image property.</summary>
    Image,

    /// <summary>The deployment's configuration (e.g. the default machine type).</summary>
    Configuration,
}
