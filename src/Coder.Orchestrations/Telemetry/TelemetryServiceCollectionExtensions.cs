using Azure.Identity;
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
    /// the managed identity when APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for AAD), to OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, to the console when CODER_OTEL_CONSOLE is true. Without any, spans and
    /// metrics are still produced for in-process listeners.
    /// </summary>
    public static IServiceCollection AddCoderTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.TryAddSingleton<CoderMetrics>();

        string? appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        bool useAad = configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
        bool otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        bool console = string.Equals(configuration["CODER_OTEL_CONSOLE"], "true", StringComparison.OrdinalIgnoreCase);

        void AzureMonitor(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = appInsights;
            if (useAad) o.Credential = new DefaultAzureCredential();
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "coder-control-plane"))
            .WithTracing(t =>
            {
                t.AddSource(CoderTracing.SourceName).AddAspNetCoreInstrumentation();
                if (appInsights is { Length: > 0 }) t.AddAzureMonitorTraceExporter(AzureMonitor);
                if (otlp) t.AddOtlpExporter();
                if (console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(CoderMetrics.MeterName);
                if (appInsights is { Length: > 0 }) m.AddAzureMonitorMetricExporter(AzureMonitor);
                if (otlp) m.AddOtlpExporter();
                if (console) m.AddConsoleExporter();
            });
        if (appInsights is { Length: > 0 } || otlp || console)
        {
            otel.WithLogging(l =>
            {
                if (appInsights is { Length: > 0 }) l.AddAzureMonitorLogExporter(AzureMonitor);
                if (otlp) l.AddOtlpExporter();
                if (console) l.AddConsoleExporter();
            });
        }

        return services;
    }
}
