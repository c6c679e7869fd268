using Veil.Orchestrations;
using Veil.Orchestrations.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddVeilOrchestrations();
builder.AddVeilApi();

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.MapVeilApi();
app.Run();

/// <summary>The Orchestrations host (exposed for WebApplicationFactory in tests).</summary>
public partial class Program;
