using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.TaskHub;
using Veil.TaskHub.Load;

switch (args)
{
    case ["worker", .. var rest]:
    {
        // A worker process: runs until killed or stopped. Settings come as --Section:Key=value.
        var builder = Host.CreateApplicationBuilder(rest);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTaskHubWorker(builder.Configuration, LoadOrchestrations.Register);
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    case ["bench", .. var rest]:
        return await Benchmarks.RunAsync(rest);

    default:
        await Console.Error.WriteLineAsync("usage: Veil.TaskHub.Load worker [--Storage:ConnectionString=… --DurableTask:TaskHubName=…]\n" +
            "       Veil.TaskHub.Load bench [--Storage:ConnectionString=…] [--quick]");
        return 2;
}
