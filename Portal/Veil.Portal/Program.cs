using MudBlazor.Services;
using Veil.Hosting;
using Veil.Portal;
using Veil.Portal.Accounts;
using Veil.Portal.Components;
using Veil.ServiceDefaults;

if (args is ["create-account", ..])
{
    // `create-account <name> <project> <tenant|admin>`, the password on standard input: another local account for a Development Portal.
    return await CreateAccountCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("portal");
builder.AddPortalAccounts();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler(ErrorPage.Path, createScopeForErrors: true);
    app.UseHsts();
}

app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthEndpoints();
app.MapAccounts();
app.MapErrorPage();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

return await app.RunCheckedAsync("Portal");

/// <summary>The Portal host (exposed for WebApplicationFactory in tests).</summary>
public partial class Program;
