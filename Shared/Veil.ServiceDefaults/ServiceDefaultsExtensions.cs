using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Veil.ServiceDefaults;

/// <summary>What every Veil process sets up the same way: its telemetry, and (web processes) its health endpoints.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>OpenTelemetry's standard setting for where to export; <c>./veil run</c> points it at its dashboard.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The sources whose spans make up a boot's trace besides the instrumented HTTP server and client: Veil's own,
    /// the Durable Task Framework's, and the Azure SDK's (each storage operation, with its retries under it).
    /// </summary>
    private static readonly string[] TraceSources = [VeilTelemetry.Name, "DurableTask.Core", "Azure.*"];

    /// <summary>The Azure SDK creates its spans only when this switch is on (its tracing is still marked experimental).</summary>
    private const string AzureSdkActivitySwitch = "Azure.Experimental.EnableActivitySource";

    public const string HealthPath = "/health";

    public const string AlivePath = "/alive";

    /// <summary>
    /// Traces, metrics and logs exported over OTLP as <paramref name="serviceName"/> — only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured, so a process (and every test) that does not ask pays
    /// nothing — and health checks, of which those tagged <c>live</c> say the process runs at all.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        if (!ExportsTelemetry(builder.Configuration))
        {
            return builder;
        }

        AppContext.SetSwitch(AzureSdkActivitySwitch, true);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceRootSampler()))
                .AddSource(TraceSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthCheck(context.Request.Path) && !IsCircuit(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(VeilTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            })
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Whether this process exports telemetry (an OTLP endpoint is configured).</summary>
    public static bool ExportsTelemetry(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
    }

    /// <summary><c>/health</c>: every check passes (ready for work); <c>/alive</c>: the process runs.</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }

    /// <summary>The Portal's Blazor circuit: one request for as long as a browser tab is open, not a unit of work (a
    /// launch from it is traced as an operation of its own).</summary>
    private static bool IsCircuit(PathString path) => path.StartsWithSegments("/_blazor", StringComparison.Ordinal);

    private static bool IsHealthCheck(PathString path) =>
        path.StartsWithSegments(HealthPath, StringComparison.Ordinal) || path.StartsWithSegments(AlivePath, StringComparison.Ordinal);
}
