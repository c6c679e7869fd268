using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Veil.Portal.Api;

namespace Veil.Portal.Components;

/// <summary>
/// What every Portal page needs: the API on behalf of the signed-in account, and one way to call it so that a
/// transient failure (API down, timeout) becomes a snackbar the user can act on instead of a dead page.
/// </summary>
public abstract class VeilPage : ComponentBase, IDisposable
{
    private Timer? refresh;

    [Inject]
    protected VeilApi Api { get; set; } = default!;

    [Inject]
    protected AuthenticationStateProvider Auth { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Actions wait for the interactive circuit: a click before it would be lost.</summary>
    protected bool Offline => !RendererInfo.IsInteractive;

    /// <summary>Why the last call failed for want of the API (shown on the page as well as in a snackbar), or null.</summary>
    protected string? Unreachable { get; private set; }

    protected async Task<ClaimsPrincipal> UserAsync() => (await Auth.GetAuthenticationStateAsync()).User;

    /// <summary>
    /// Follows something that changes on its own (a boot, a delete, host heartbeats) without a manual refresh:
    /// every <paramref name="period"/>, while <paramref name="needed"/> says so, loads again and re-renders. Once per page.
    /// </summary>
    protected void RefreshWhile(TimeSpan period, Func<bool> needed, Func<Task> load)
    {
        ArgumentNullException.ThrowIfNull(needed);
        ArgumentNullException.ThrowIfNull(load);
        refresh ??= new Timer(_ => InvokeAsync(async () =>
        {
            if (needed())
            {
                await load();
                StateHasChanged();
            }
        }), null, period, period);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            refresh?.Dispose();
        }
    }

    /// <summary>Runs an API call; on a transient failure says so in a snackbar and returns false.</summary>
    protected async Task<bool> TryAsync(string what, Func<ClaimsPrincipal, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call(await UserAsync());
            Unreachable = null;
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            Unreachable = e is HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized } ? e.Message : $"The Veil API could not be reached: {e.Message}";
            Snackbar.Add($"Could not {what}: {e.Message} Try again in a moment.", Severity.Error);
            return false;
        }
    }

    /// <summary>Runs an action through the API: its answer, or null when the API could not be reached (said in a snackbar).</summary>
    protected async Task<ApiAnswer?> ActAsync(string what, Func<ClaimsPrincipal, Task<ApiAnswer>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        ApiAnswer? answer = null;
        return await TryAsync(what, async user => answer = await call(user)) ? answer : null;
    }

    /// <summary>Shows how the API answered an action: <paramref name="success"/>, or its problem.</summary>
    protected void Report(ApiAnswer answer, string success)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Snackbar.Add(answer.Problem ?? success, answer.Succeeded ? Severity.Success : Severity.Warning);
    }
}
