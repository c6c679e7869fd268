using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Veil.Portal.Accounts;

/// <summary>Creates the account database and, when a seed password is configured, the demo accounts.</summary>
internal sealed class AccountSeeder(IServiceProvider services, IOptions<PortalOptions> options) : IHostedService
{
    public static readonly (string Name, string Project, string Role)[] DemoAccounts =
        [("alice", "demo", "tenant"), ("bob", "other", "tenant"), ("admin", "ops", "admin")];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        if (options.Value.SeedPassword is not { Length: > 0 } password)
        {
            return;
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<VeilUser>>();
        foreach (var (name, project, role) in DemoAccounts)
        {
            if (await users.FindByNameAsync(name) is null)
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
