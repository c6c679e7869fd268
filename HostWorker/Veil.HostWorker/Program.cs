using Veil.Hosting;
using Veil.HostWorker;
using Veil.HostWorker.Recording;
using Veil.HostWorker.Startup;

if (args is ["record-host", ..])
{
    return HostRecorder.Run(args[1..]);
}

var builder = Host.CreateApplicationBuilder(args);
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
