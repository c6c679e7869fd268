using Microsoft.AspNetCore.Components;
using MudBlazor;
using Veil.Portal.Api;
using Veil.Portal.Launch;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;

namespace Veil.Portal.Components.Pages;

public partial class LaunchWizard
{
    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private readonly LaunchRequest request = new();
    private IReadOnlyList<Image> images = [];
    private IReadOnlyList<Flavor> flavors = [];
    private IReadOnlyList<KeyPair> keyPairs = [];
    private PreflightView? preflight;
    private QuotaView? quota;
    private Dictionary<string, FlavorCapacity> capacities = [];
    private int step;
    private string? problem;
    private bool launching;

    // One launch per visit to the wizard: pressing Launch again (or a retry) names the same servers.
    private readonly string launchKey = "portal-" + Guid.NewGuid().ToString("N");

    protected override Task OnInitializedAsync() => TryAsync("load images and flavors", async user =>
    {
        images = await Api.ListImagesAsync(user);
        flavors = (await Api.ListFlavorsAsync(user)).Where(f => f.Status == FlavorStatus.Approved).ToList();
        keyPairs = await Api.ListKeyPairsAsync(user);
        quota = await Api.GetQuotaAsync(user);
    });

    /// <summary>What this launch would add to the project's usage: its count of the chosen flavor, in the model the preflight resolved.</summary>
    private Veil.Shared.Quotas.QuotaSet? Adding() =>
        flavors.FirstOrDefault(f => f.Name == request.FlavorName) is { } flavor && preflight is { Problem: null }
            ? Veil.Shared.Quotas.QuotaSet.For(request.Count, flavor.VCpus, flavor.MemoryMiB, Veil.Shared.MemoryEncryption.MemoryEncryptionModels.TryParse(preflight.Model, out var model) ? model : null)
            : null;

    /// <summary>The quota this launch would exceed, by the rule the API applies; the API refuses it anyway.</summary>
    private Veil.Shared.Quotas.QuotaExceeded? OverQuota() =>
        quota is not null && Adding() is { } adding ? quota.Limits.FirstExceeded(quota.Usage, adding) : null;

    /// <summary>
    /// Moving forward (Next, or a click on a later step) is allowed only when every step before the target is
    /// complete; entering Review runs the API's preflight.
    /// </summary>
    private async Task OnPreviewAsync(StepperInteractionEventArgs args)
    {
        var target = args.Action == StepAction.Complete ? args.StepIndex + 1 : args.StepIndex;
        if (args.Action is not (StepAction.Complete or StepAction.Activate) || target <= step)
        {
            return;
        }

        problem = request.DetailsProblem() ?? (target > 1 ? request.ImageProblem() : null) ?? (target > 2 ? request.FlavorProblem() : null)
            ?? (target > 2 && capacities.GetValueOrDefault(request.FlavorName!) is { } chosen && (chosen.Conflict ?? (chosen.Hosts == 0 ? "No host can take this flavor now." : null)) is { } unfit ? $"{request.FlavorName}: {unfit}" : null);
        if (problem is not null)
        {
            // The stepper calls this as a plain delegate, not an EventCallback: re-render the page so the reason shows.
            args.Cancel = true;
            StateHasChanged();
            return;
        }

        if (target == 2)
        {
            // What each flavor could get with the chosen image, as placement would answer now.
            await TryAsync("ask which hosts fit", async user =>
            {
                var answers = await Task.WhenAll(flavors.Select(f => Api.GetCapacityAsync(user, f.Name, request.ImageId!)));
                capacities = answers.OfType<FlavorCapacity>().ToDictionary(c => c.Flavor);
            });
        }

        if (target >= 3 && !await TryAsync("run the preflight", async user =>
            preflight = await Api.PreflightAsync(user, flavors.Single(f => f.Name == request.FlavorName), images.Single(i => i.Id == request.ImageId))))
        {
            args.Cancel = true;
        }
    }

    private async Task LaunchAsync()
    {
        launching = true;
        var answer = await ActAsync("launch", user => Api.CreateServersAsync(user, request.ToApiRequest(), launchKey));
        launching = false;
        problem = answer?.Problem;
        if (answer is { Succeeded: true })
        {
            Navigation.NavigateTo("/servers");
        }
    }
}
