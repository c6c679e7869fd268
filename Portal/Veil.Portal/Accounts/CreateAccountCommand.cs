using Microsoft.AspNetCore.Identity;

namespace Veil.Portal.Accounts;

/// <summary>
/// <c>create-account &lt;name&gt; &lt;project&gt; &lt;tenant|admin&gt;</c>, the password read from standard input (never from
/// the command line, which anyone on the machine can read): how an operator makes accounts, in the account database
/// the Portal's settings name. An existing account is refused, naming it.
/// </summary>
public static class CreateAccountCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional is not [var name, var project, "tenant" or "admin"])
        {
            await Console.Error.WriteLineAsync("usage: create-account <name> <project> <tenant|admin> [--Portal:Database=<path>] < password");
            return 2;
        }

        var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("create-account: no password on standard input (one line).");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        builder.Logging.ClearProviders(); // a command answers in its own words, not the database's log
        if (SignInMode.From(builder.Configuration).ThroughProvider || !builder.Environment.IsDevelopment())
        {
            await Console.Error.WriteLineAsync("create-account: this Portal's users sign in through the OpenID Connect provider (Auth:Authority), where their accounts are made; the Portal's own accounts exist only in Development.");
            return 2;
        }

        builder.AddPortalAccounts();
        await using var app = builder.Build();
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.EnsureCreatedAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VeilUser>>();
        if (await users.FindByNameAsync(name) is not null)
        {
            await Console.Error.WriteLineAsync($"create-account: an account named '{name}' exists already.");
            return 1;
        }

        var result = await users.CreateAsync(new VeilUser { UserName = name, ProjectId = project, Role = positional[2] }, password);
        if (!result.Succeeded)
        {
            await Console.Error.WriteLineAsync($"create-account: '{name}' was not created: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            return 1;
        }

        Console.WriteLine($"created {name} ({positional[2]}, project {project})");
        return 0;
    }
}
