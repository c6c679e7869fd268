using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Veil.HostWorker;
using Veil.HostWorker.Commands;

var builder = Host.CreateApplicationBuilder(args);
builder.AddHostWorker();
builder.Services.AddSingleton<IHostCommandFaults, KillAfterDefine>();
using var host = builder.Build();
await host.RunAsync();

/// <summary>Ends the process the moment a domain is defined, leaving the command unanswered on its queue.</summary>
internal sealed class KillAfterDefine : IHostCommandFaults
{
    public void DomainDefined(Guid serverId)
    {
        Console.Error.WriteLine($"crash host: killing this process after defining server {serverId}");
        Process.GetCurrentProcess().Kill();
    }
}
