using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Veil.DurableTask;
using Veil.DurableTask.Load;

switch (args)
{
    case ["worker", .. var rest]:
    {
        // A worker process: runs until killed or Ctrl-C. Settings come as --Section:Key=value.
        var builder = Host.CreateApplicationBuilder(rest);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(builder.Configuration, LoadOrchestrations.Register);
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    case ["bench", .. var rest]:
        return await Benchmarks.RunAsync(rest);

    default:
        Console.Error.WriteLine("usage: Veil.DurableTask.Load worker [--Storage:ConnectionString=… --DurableTask:TaskHubName=…]\n" +
            "       Veil.DurableTask.Load bench [--Storage:ConnectionString=…] [--quick]");
        return 2;
}
