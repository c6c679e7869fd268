using Veil.Identity;

namespace Veil.Orchestrations.Api;

/// <summary><c>token &lt;subject&gt; &lt;project&gt; &lt;tenant|admin&gt; --Auth:SigningKey=…</c>: prints a bearer token for local use.</summary>
public static class DevTokenCommand
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray()).Build();
        var options = configuration.GetSection(VeilAuthOptions.Section).Get<VeilAuthOptions>() ?? new VeilAuthOptions();
        if (positional is not [var subject, var project, "tenant" or "admin"] || options.SigningKeyBytes() is null)
        {
            Console.Error.WriteLine("usage: token <subject> <project> <tenant|admin> --Auth:SigningKey=<base64 key>");
            return 2;
        }

        Console.WriteLine(DevTokens.Issue(options, subject, project, positional[2]));
        return 0;
    }
}
