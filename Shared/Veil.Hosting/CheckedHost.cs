using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Veil.Hosting;

/// <summary>How every Veil process runs its host: bad settings end it at start with each problem on standard error and
/// exit code 78 (EX_CONFIG), which its service unit does not restart on, instead of an unhandled exception's trace.</summary>
public static class CheckedHost
{
    public const int BadSettingsExitCode = 78;

    public static async Task<int> RunCheckedAsync(this IHost host, string processName)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            // Every checked setting of every section at once, before any service is built (one may read its settings
            // in its constructor, which would report only its own).
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync($"{processName}: bad settings: " + string.Join(" ", failures));
            return BadSettingsExitCode;
        }
    }

    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException many when many.InnerExceptions.All(i => i is OptionsValidationException) => [.. many.InnerExceptions.SelectMany(Failures)],
        _ => [],
    };
}
