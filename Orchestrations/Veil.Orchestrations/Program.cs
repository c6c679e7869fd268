using Veil.Hosting;
using Veil.Orchestrations;
using Veil.Orchestrations.Api;
using Veil.ServiceDefaults;

if (args is ["token", ..])
{
    // `token <subject> <project> <role>`: a locally signed bearer token for the API (./veil run prints some).
    return DevTokenCommand.Run(args[1..]);
}

if (args is ["enroll-host", ..])
{
    // `enroll-host <name> --out=<file>`: a host's credential, from this side's own storage settings.
    return await Veil.Orchestrations.Hosts.EnrollHostCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("orchestrations");
builder.AddVeilOrchestrations();
builder.AddVeilApi();

var app = builder.Build();
app.MapHealthEndpoints();
app.MapVeilApi();
return await app.RunCheckedAsync("Orchestrations");

/// <summary>The Orchestrations host (exposed for WebApplicationFactory in tests).</summary>
public partial class Program;
