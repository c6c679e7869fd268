using Veil.Hosting;
using Veil.HostWorker;
using Veil.HostWorker.Recording;
using Veil.HostWorker.Startup;
using Veil.ServiceDefaults;

if (args is ["record-host", ..])
{
    return HostRecorder.Run(args[1..]);
}

var builder = Host.CreateApplicationBuilder(args);
// One service per host in the traces: hostworker-genoa-snp and so on (its heartbeat is its health).
builder.AddServiceDefaults($"hostworker-{builder.Configuration["HostWorker:HostName"]}");
builder.AddHostWorker();
using var host = builder.Build();
try
{
    return await host.RunCheckedAsync("HostWorker");
}
catch (HostStartupRefusedException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return HostStartupRefusedException.ExitCode;
}

/// <summary>The HostWorker's entry point: internal, so that tests hosting the Orchestrations' Program see one Program
/// (the ASP.NET Core framework the service defaults bring would otherwise make this one public too).</summary>
internal sealed partial class Program;
