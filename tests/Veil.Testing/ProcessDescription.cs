using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Veil.Testing;

/// <summary>
/// One process as <c>infra/processes.conf</c> describes it — the description <c>./veil run</c> starts Veil from — so
/// that the chaos and load runs and the tests' Azurite start each process as a user's run does.
/// </summary>
public sealed partial record ProcessDescription(string Name, string Folder, string Program, IReadOnlyList<string> Arguments)
{
    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> Lines = new(() => Parse(File.ReadAllLines(Conf)));

    /// <summary>The description's path.</summary>
    public static string Conf => Path.Combine(RepoPaths.Root, "infra", "processes.conf");

    /// <summary>The build configuration the running test binary is from (<c>bin/&lt;configuration&gt;/net10.0</c>): start Veil's programs from the same.</summary>
    public static string BuildConfiguration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The simulated hosts every run starts (each a <c>hostworker</c> on its fixture).</summary>
    public static IReadOnlyList<string> SimulatedHosts => Line("simulated-hosts");

    /// <summary>The process named <paramref name="name"/>.</summary>
    public static ProcessDescription Of(string name) =>
        Line(name) is [var folder, var program, .. var arguments]
            ? new ProcessDescription(name, folder, program, arguments)
            : throw new InvalidDataException($"{Conf}: the line of '{name}' needs a folder and a program.");

    /// <summary>Its arguments with each <c>{word}</c> filled in; a word left unfilled is an error naming it.</summary>
    public IReadOnlyList<string> ArgumentsWith(IReadOnlyDictionary<string, string> values) =>
    [
        .. Arguments.Select(argument =>
        {
            var filled = Placeholder().Replace(argument, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            return Placeholder().Match(filled) is { Success: true } left
                ? throw new ArgumentException($"{Conf}: {Name} needs {left.Value}, which its launcher did not give.", nameof(values))
                : filled;
        }),
    ];

    /// <summary>Its program's path: an assembly's in the build of <paramref name="configuration"/>.</summary>
    public string ProgramPath(string configuration) => Program.EndsWith(".dll", StringComparison.Ordinal)
        ? Path.Combine(RepoPaths.Root, Folder, "bin", configuration, "net10.0", Program)
        : Path.Combine(RepoPaths.Root, Folder, Program);

    /// <summary>
    /// How to start it from the build in <paramref name="configuration"/>: .NET assemblies by <c>dotnet</c> from
    /// their project folder (the content root) in <paramref name="environment"/>, then <paramref name="extra"/>.
    /// </summary>
    public ProcessStartInfo StartInfo(string configuration, string environment, IReadOnlyDictionary<string, string> values, IEnumerable<string>? extra = null)
    {
        IEnumerable<string> arguments = [.. ArgumentsWith(values), .. extra ?? []];
        var start = Program.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet", [ProgramPath(configuration), .. arguments])
            : new ProcessStartInfo(ProgramPath(configuration), arguments);
        start.WorkingDirectory = Path.Combine(RepoPaths.Root, Folder);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        return start;
    }

    /// <summary>The description's lines by process: words after the first, comments and blank lines left out.</summary>
    private static IReadOnlyDictionary<string, string[]> Parse(IEnumerable<string> lines)
    {
        var parsed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words is [var name, .. var rest] && !name.StartsWith('#') && !parsed.TryAdd(name, rest))
            {
                throw new InvalidDataException($"{Conf}: '{name}' is described twice.");
            }
        }

        return parsed;
    }

    private static string[] Line(string name) =>
        Lines.Value.TryGetValue(name, out var words) ? words : throw new InvalidDataException($"{Conf} describes no process '{name}'.");

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
