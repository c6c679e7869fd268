namespace Veil.Testing;

/// <summary>Paths inside the repository, found from the test binary's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Veil.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Veil.slnx above {AppContext.BaseDirectory}.");
    });

    /// <summary>The folder holding Veil.slnx.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A simulated host's fixture folder, e.g. <c>genoa-snp</c>.</summary>
    public static string HostFixture(string name) => Path.Combine(Root, "tests", "fixtures", "hosts", name);
}
