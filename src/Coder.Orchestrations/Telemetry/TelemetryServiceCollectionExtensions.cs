using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coder.Orchestrations.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry traces, metrics and logs: to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set (with
    /// the registered credential when APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for AAD), to OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, to the console when CODER_OTEL_CONSOLE is true. Without any, spans and
    /// metrics are still produced for in-process listeners.
    /// </summary>
    public static IServiceCollection AddCoderTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCoderMetrics();

        string? appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        bool useAad = configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
        bool otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        bool console = string.Equals(configuration["CODER_OTEL_CONSOLE"], "true", StringComparison.OrdinalIgnoreCase);

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "coder-control-plane"))
            .WithTracing(t =>
            {
                t.AddSource(CoderTracing.SourceName).AddAspNetCoreInstrumentation();
                if (otlp) t.AddOtlpExporter();
                if (console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(CoderMetrics.MeterName);
                if (otlp) m.AddOtlpExporter();
                if (console) m.AddConsoleExporter();
            });
        if (appInsights is { Length: > 0 })
        {
            // The documented registration for every signal at once (the Functions docs pair it with UseFunctionsWorkerDefaults).
            otel.UseAzureMonitorExporter();
            services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) =>
            {
                o.ConnectionString = appInsights;
                if (useAad) o.Credential = credential;
            });
        }

        if (otlp || console)
        {
            otel.WithLogging(l =>
            {
                if (otlp) l.AddOtlpExporter();
                if (console) l.AddConsoleExporter();
            });
        }

        return services;
    }

    /// <summary>The meter factory and the control plane's instruments, without any exporter (tests listen in process).</summary>
    public static IServiceCollection AddCoderMetrics(this IServiceCollection services)
    {
        // AddMetrics adds a start-up validation on every call; once is enough.
        if (!services.Any(d => d.ServiceType == typeof(IMeterFactory))) services.AddMetrics();
        services.TryAddSingleton<CoderMetrics>();
        return services;
    }
}
