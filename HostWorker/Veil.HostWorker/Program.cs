using Microsoft.Extensions.Options;
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
    await host.RunAsync();
    return 0;
}
catch (HostStartupRefusedException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return HostStartupRefusedException.ExitCode;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("HostWorker: bad settings: " + string.Join(" ", e.Failures));
    return HostStartupRefusedException.ExitCode;
}
