using Microsoft.AspNetCore.Components;
using MudBlazor;
using Veil.Portal.Api;
using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.Portal.Components.Pages.Admin;

public partial class Orchestrations
{
    private static readonly InstanceStatus[] AllStatuses = [InstanceStatus.Pending, InstanceStatus.Running, InstanceStatus.Completed, InstanceStatus.ContinuedAsNew, InstanceStatus.Failed, InstanceStatus.Terminated, InstanceStatus.Suspended];

    private IReadOnlyCollection<InstanceStatus> statuses = [];
    private string? name;
    private string? prefix;
    private DateTime? from;
    private DateTime? to;
    private OrchestrationPageView? page;
    private EngineWarningsView? warnings;

    // Tokens of the pages before this one; the first page has none.
    private readonly Stack<string?> tokens = new();
    private string? current;

    private string? DateProblem => from is { } f && to is { } t && f > t ? "'Created from' is after 'Created to'." : null;

    protected override async Task OnInitializedAsync()
    {
        await TryAsync("load the engine's warnings", async user => warnings = await Api.GetEngineWarningsAsync(user));
        await LoadAsync(null);
    }

    private Task SearchAsync()
    {
        tokens.Clear();
        return LoadAsync(null);
    }

    private Task NextAsync()
    {
        tokens.Push(current);
        return LoadAsync(page?.ContinuationToken);
    }

    private Task PreviousAsync() => LoadAsync(tokens.Pop());

    private async Task LoadAsync(string? token)
    {
        if (DateProblem is not null)
        {
            return;
        }

        var filter = new InstanceFilter
        {
            Statuses = statuses.ToList(),
            Name = name,
            IdPrefix = prefix,
            From = from is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f.Date, DateTimeKind.Utc)) : null,
            To = to is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.Date.AddDays(1), DateTimeKind.Utc)) : null,
        };
        if (await TryAsync("load orchestrations", async user => page = await Api.QueryInstancesAsync(user, filter, token)))
        {
            current = token;
        }
    }

    internal static Color StatusColor(InstanceStatus status) => status switch
    {
        InstanceStatus.Completed => Color.Success,
        InstanceStatus.Failed or InstanceStatus.Terminated => Color.Error,
        InstanceStatus.Running or InstanceStatus.Pending => Color.Info,
        InstanceStatus.Suspended => Color.Warning,
        _ => Color.Default,
    };
}
