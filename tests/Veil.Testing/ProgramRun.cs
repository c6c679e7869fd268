using System.Diagnostics;

namespace Veil.Testing;

/// <summary>One of Veil's programs run to its end as an operator runs it (<c>dotnet Veil.X.dll --Key=Value …</c>).</summary>
public static class ProgramRun
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs <paramref name="program"/> (a dll beside the test's own) with <paramref name="arguments"/>, then settings,
    /// on its command line and <paramref name="input"/> on its standard input; kills it and throws if it has not ended
    /// within <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<KeyValuePair<string, string>> settings, TimeSpan timeout, IReadOnlyList<string>? arguments = null, string? input = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{program} did not end within {timeout.TotalSeconds:0} s: {await output}{await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
