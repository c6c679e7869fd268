using Microsoft.DurableTask;

namespace Veil.Orchestrations.Boot.Activities;

/// <summary>Puts a command (a destroy) on the host's queue; its outcome comes back on host-events.</summary>
public sealed class SendHostCommand(HostCommands commands) : TaskActivity<HostCommandRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, HostCommandRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await commands.SendAsync(input.HostName, input.Command);
        return true;
    }
}
