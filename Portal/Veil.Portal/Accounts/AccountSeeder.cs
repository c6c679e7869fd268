using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Veil.Portal.Accounts;

/// <summary>
/// Creates the account database and, in a Development Portal, the demo accounts that have a password in
/// <see cref="PortalOptions.DemoPasswords"/>, each with its own (an existing account is left as it is).
/// </summary>
public sealed class AccountSeeder(IServiceProvider services, IOptions<PortalOptions> options) : IHostedService
{
    public static readonly (string Name, string Project, string Role)[] DemoAccounts =
        [("alice", "demo", "tenant"), ("bob", "other", "tenant"), ("admin", "ops", "admin")];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VeilUser>>();
        foreach (var (name, project, role) in DemoAccounts)
        {
            if (options.Value.DemoPasswords.TryGetValue(name, out var password) && await users.FindByNameAsync(name) is null)
            {
                var result = await users.CreateAsync(new VeilUser { UserName = name, ProjectId = project, Role = role }, password);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Seeding account '{name}' failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
