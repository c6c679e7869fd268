using Microsoft.AspNetCore.Components;
using MudBlazor;
using Veil.Portal.Api;
using Veil.Portal.History;
using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.Portal.Components.Pages.Admin;

public partial class Orchestration
{
    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Parameter]
    public string InstanceId { get; set; } = "";

    private OrchestrationInstanceView? instance;
    private IReadOnlyList<HistoryEventView> history = [];
    private bool loaded;
    private bool busy;
    private string? reason;
    private string? eventName;
    private string eventPayload = "null";

    private string? PayloadProblem
    {
        get
        {
            try
            {
                using var _ = System.Text.Json.JsonDocument.Parse(eventPayload);
                return null;
            }
            catch (System.Text.Json.JsonException e)
            {
                return $"Not JSON: {e.Message}";
            }
        }
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        await TryAsync("load the instance", async user =>
        {
            instance = await Api.GetInstanceAsync(user, InstanceId);
            history = instance is null ? [] : await Api.GetHistoryAsync(user, InstanceId);
        });
        loaded = true;
    }

    /// <summary>What the engine accepts in this status; the API answers the rest with a conflict anyway.</summary>
    private bool Allowed(InstanceAction action) => (action, instance?.RuntimeStatus) switch
    {
        (InstanceAction.Terminate, InstanceStatus.Running or InstanceStatus.Pending or InstanceStatus.Suspended) => true,
        (InstanceAction.Suspend, InstanceStatus.Running) => true,
        (InstanceAction.Resume, InstanceStatus.Suspended) => true,
        (InstanceAction.Rewind, InstanceStatus.Failed) => true,
        (InstanceAction.Restart or InstanceAction.Purge, InstanceStatus.Completed or InstanceStatus.Failed or InstanceStatus.Terminated) => true,
        _ => false,
    };

    private async Task ActAsync(InstanceAction action)
    {
        if (action is InstanceAction.Terminate or InstanceAction.Purge
            && await Dialogs.ShowMessageBoxAsync($"{action} {InstanceId}?", action == InstanceAction.Purge ? "Its history is deleted for good." : "The orchestration stops where it is.", yesText: action.ToString(), cancelText: "Cancel") != true)
        {
            return;
        }

        busy = true;
        if (await ActAsync($"{action.ToString().ToLowerInvariant()} the instance", user => Api.ActOnInstanceAsync(user, InstanceId, action, reason)) is { } answer)
        {
            Report(answer, $"{action} requested for {InstanceId}.");
            if (answer.Succeeded && action == InstanceAction.Purge)
            {
                Navigation.NavigateTo("/admin/orchestrations");
                return;
            }

            // The engine applies the action on its next turn; show what it did.
            await Task.Delay(500);
            await LoadAsync();
        }

        busy = false;
    }

    private async Task RaiseAsync()
    {
        busy = true;
        using var payload = System.Text.Json.JsonDocument.Parse(eventPayload);
        if (await ActAsync("raise the event", user => Api.RaiseEventAsync(user, InstanceId, eventName!.Trim(), payload.RootElement.Clone())) is { } answer)
        {
            Report(answer, $"Event {eventName} raised.");
            await Task.Delay(500);
            await LoadAsync();
        }

        busy = false;
    }
}
