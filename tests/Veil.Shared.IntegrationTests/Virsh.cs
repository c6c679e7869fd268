using System.Diagnostics;

namespace Veil.Shared.IntegrationTests;

/// <summary>Runs libvirt's own command-line tools, which are libvirt's reference for what its XML must be.</summary>
internal static class Virsh
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 60 s");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Validates a domain XML file against libvirt's RelaxNG schema.</summary>
    public static Result Validate(string path) => Run("virt-xml-validate", path, "domain");

    /// <summary>Defines the domain in a fresh test:///default hypervisor and prints what libvirt holds for it.</summary>
    public static Result DefineAndDump(string path, string domainName) =>
        Run("virsh", "-q", "-c", "test:///default", $"define --validate {Quote(path)}; dumpxml {Quote(domainName)}");

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
