namespace Veil.Shared.Hosts;

/// <summary>Files a host keeps for itself (its credential, its worker's state): readable by their owner only, 0600,
/// from their first moment, not after a chmod that leaves a window.</summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary><paramref name="file"/>, creating its file 0600 (elsewhere than Unix the default applies).</summary>
    public static FileStreamOptions Options(FileStreamOptions file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = Mode;
        }

        return file;
    }

    /// <summary>Makes an existing file 0600 (one made before keeps its mode when it is overwritten).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, Mode);
        }
    }
}
