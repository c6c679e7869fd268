using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Veil.Testing;

namespace Veil.Portal.E2ETests;

/// <summary>
/// Veil as a new user starts it: `./veil run` (README's first command), here with `--no-build` on the build
/// `./veil test` made, its own state folder and free ports so it runs beside a developer's own Veil. Parses the
/// URL, password and API tokens it prints, and opens Debian's Chromium. Ctrl-C (SIGINT) stops it, as a user would.
/// </summary>
public sealed partial class VeilRun : IAsyncLifetime
{
    private readonly string state = Directory.CreateTempSubdirectory("veil-e2e-").FullName;
    private readonly StringBuilder output = new();
    private Process? veil;
    private IPlaywright? playwright;

    /// <summary>The run's state folder (VEIL_STATE): its keys, logs and data.</summary>
    public string State => state;

    public string PortalUrl { get; private set; } = "";

    public string ApiUrl { get; private set; } = "";

    /// <summary>Each demo account's password, as the run printed it.</summary>
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);

    public string AdminToken { get; private set; } = "";

    public string AliceToken { get; private set; } = "";

    /// <summary>The Aspire dashboard's sign-in URL as printed (with its browser token).</summary>
    public string DashboardLoginUrl { get; private set; } = "";

    /// <summary>The dashboard's own address (the printed URL without its path).</summary>
    public Uri DashboardUrl => new(new Uri(DashboardLoginUrl).GetLeftPart(UriPartial.Authority));

    /// <summary>The dashboard's telemetry API, with the API key the run keeps in its state folder.</summary>
    public HttpClient DashboardApi()
    {
        var http = new HttpClient { BaseAddress = DashboardUrl };
        http.DefaultRequestHeaders.Add("x-api-key", File.ReadAllText(Path.Combine(state, "dashboard-api-key")).Trim());
        return http;
    }

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>
    /// Where the tests' screenshots go: <c>artifacts/screenshots/</c> (not tracked), so a test run changes no tracked
    /// file. To refresh the ones README and docs/portal.md show, run the browser tests with
    /// <c>VEIL_SCREENSHOTS=docs/screenshots</c> and commit them on purpose.
    /// </summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(
        RepoPaths.Root, Environment.GetEnvironmentVariable("VEIL_SCREENSHOTS") is { Length: > 0 } chosen ? chosen : Path.Combine("artifacts", "screenshots"))).FullName;

    public async ValueTask InitializeAsync()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "veil"), "run", "--no-build"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.Environment["VEIL_STATE"] = state;
        start.Environment["VEIL_CONFIGURATION"] = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        start.Environment["VEIL_PORTAL_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_API_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_DASHBOARD_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_OTLP_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_AZURITE_BLOB_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_AZURITE_QUEUE_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VEIL_AZURITE_TABLE_PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        veil = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        veil.OutputDataReceived += (_, e) => Read(e.Data, ready);
        veil.ErrorDataReceived += (_, e) => Read(e.Data, ready);
        veil.BeginOutputReadLine();
        veil.BeginErrorReadLine();
        var exited = veil.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3))) != ready.Task)
        {
            throw new InvalidOperationException($"./veil run did not come up:\n{Output}\n{Logs()}");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(Screenshots);
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>A fresh browser context signed in as the user (with the password the run printed for that account).</summary>
    public async Task<IPage> SignInAsync(string user)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = PortalUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", Passwords[user]);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        return page;
    }

    /// <summary>Opens a Portal page and waits for its interactive circuit: clicks before it would be lost.</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("[data-interactive=true]");
    }

    /// <summary>The Orchestrations API with one of the printed tokens.</summary>
    public HttpClient Api(string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(ApiUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    /// <summary>The run's Azurite, if the script could not stop it: it is not in the script's process tree.</summary>
    private void StopAzurite()
    {
        var pidFile = Path.Combine(state, "azurite.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try
            {
                using var azurite = Process.GetProcessById(pid);
                azurite.Kill(entireProcessTree: true);
                azurite.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (veil is { HasExited: false })
        {
            // SIGTERM, as a service manager stops it; the script stops every process it started. (Not Ctrl-C's SIGINT:
            // a script started by a test host may have SIGINT ignored, and bash cannot trap a signal ignored on entry,
            // so the script was killed after 30 s and its Azurite, a child of no one, kept running.)
            Process.Start("kill", ["-TERM", veil.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!veil.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                veil.Kill(entireProcessTree: true);
            }
        }

        veil?.Dispose();
        StopAzurite();
        Directory.Delete(state, recursive: true);
    }

    private void Read(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (Match(line, PortalLine()) is { } portal)
        {
            PortalUrl = portal;
        }
        else if (Match(line, ApiLine()) is { } api)
        {
            ApiUrl = api;
        }
        else if (Match(line, DashboardLine()) is { } dashboard)
        {
            DashboardLoginUrl = dashboard;
        }
        else if (PasswordLine().Match(line) is { Success: true } login)
        {
            Passwords[login.Groups[1].Value] = login.Groups[2].Value;
        }
        else if (Match(line, AdminTokenLine()) is { } admin)
        {
            AdminToken = admin;
        }
        else if (Match(line, AliceTokenLine()) is { } alice)
        {
            AliceToken = alice;
        }
        else if (line.StartsWith("Press Ctrl-C", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static string? Match(string line, Regex pattern) => pattern.Match(line) is { Success: true } m ? m.Groups[1].Value : null;

    private string Logs() =>
        string.Join("\n", Directory.Exists(Path.Combine(state, "logs"))
            ? Directory.GetFiles(Path.Combine(state, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(30))}")
            : []);

    [GeneratedRegex(@"^\s+Portal\s+(http://\S+)")]
    private static partial Regex PortalLine();

    [GeneratedRegex(@"^\s+Orchestrations\s+(http://\S+)")]
    private static partial Regex ApiLine();

    [GeneratedRegex(@"^\s+Dashboard\s+(http://\S+)")]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"(alice|bob|admin) \(.*\)\s+password: (\S+)$")]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"admin \(project ops\)\s+(\S+)$")]
    private static partial Regex AdminTokenLine();

    [GeneratedRegex(@"alice \(project demo\)\s+(\S+)$")]
    private static partial Regex AliceTokenLine();
}
