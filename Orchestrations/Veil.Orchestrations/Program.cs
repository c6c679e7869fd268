using Veil.Orchestrations;

var builder = WebApplication.CreateBuilder(args);
builder.AddVeilOrchestrations();

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.Run();
