using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Functions.DependencyInjection;

/// <summary>
/// How the Functions worker is composed. Program.cs calls it with the process environment; DeploymentCompositionTests
/// calls it with the app settings the Bicep deploys, so what the test resolves is what Azure runs.
/// </summary>
public static class CoderFunctionsApplication
{
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder, Func<string, string?> environment)
    {
        builder.ConfigureFunctionsWebApplication();
        builder.Configuration.AddCoderEnvironment(environment);
        builder.Services.AddCoderFunctions();
        builder.Services.AddCoderTelemetry(builder.Configuration);
        // host.json says telemetryMode OpenTelemetry: the worker's spans join the host's trace through this.
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        return builder;
    }
}
