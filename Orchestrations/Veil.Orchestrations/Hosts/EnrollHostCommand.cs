using Veil.Orchestrations.Boot;
using Veil.Storage;

namespace Veil.Orchestrations.Hosts;

/// <summary>
/// <c>enroll-host &lt;name&gt; --out=&lt;file&gt;</c>: enrolls a host (or rotates its credential) from the Orchestrations
/// side's own settings (<c>Storage:ConnectionString</c>, <c>Boot:HostEventsQueue</c>; environment or command line) and
/// writes its credential to the file, readable by its owner only: what <c>./veil run</c> and the chaos run do for their
/// hosts, and what an operator can do where the API is not at hand.
/// </summary>
public static class EnrollHostCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray()).Build();
        var output = configuration["out"];
        if (positional is not [var hostName] || string.IsNullOrWhiteSpace(output))
        {
            await Console.Error.WriteLineAsync("usage: enroll-host <name> --out=<file>   (Storage:ConnectionString and Boot:HostEventsQueue from the environment or --Key=Value)");
            return 2;
        }

        if (HostEnrollments.HostNameProblem(hostName) is { } problem)
        {
            await Console.Error.WriteLineAsync($"enroll-host: {problem}");
            return 2;
        }

        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var boot = configuration.GetSection(BootOptions.Section).Get<BootOptions>() ?? new BootOptions();
        var credential = await new HostEnrollments(new StorageAccount(storage.ConnectionString), boot.HostEventsQueue, TimeProvider.System).EnrollAsync(hostName);
        credential.Save(output);
        Console.WriteLine($"enrolled {hostName} (generation {credential.Generation}, until {credential.ExpiresOn:yyyy-MM-dd}): credential in {output}");
        return 0;
    }
}
