using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Local.Durable;

/// <summary>
/// Orchestration versioning for the portable worker and client, matching host.json's durableTask settings
/// (defaultVersion, versionMatchStrategy CurrentOrOlder, versionFailureStrategy Reject): new instances carry the
/// build's version, a worker runs its version and older ones, and a newer instance is never run by older code.
/// The version comes from <c>CODER_ORCHESTRATION_VERSION</c> (or <c>Coder:Durable:Version</c>); see the README's rule.
/// </summary>
public static class DurableVersioning
{
    public const string VersionVariable = "CODER_ORCHESTRATION_VERSION";
    public const string VersionKey = "Coder:Durable:Version";

    /// <summary>host.json's <c>defaultVersion</c>.</summary>
    public const string DefaultVersion = "1.2";

    public static string Resolve(IConfiguration configuration) =>
        configuration[VersionVariable] is { Length: > 0 } fromEnvironment ? fromEnvironment
        : configuration[VersionKey] is { Length: > 0 } configured ? configured
        : DefaultVersion;

    public static IDurableTaskWorkerBuilder UseCoderVersioning(this IDurableTaskWorkerBuilder builder)
    {
        builder.Services.AddOptions<DurableTaskWorkerOptions>(builder.Name).Configure<IConfiguration>((options, configuration) =>
        {
            string version = Resolve(configuration);
            options.Versioning = new DurableTaskWorkerOptions.VersioningOptions
            {
                Version = version,
                DefaultVersion = version,
                MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
                FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
            };
        });
        return builder;
    }

    public static IDurableTaskClientBuilder UseCoderVersioning(this IDurableTaskClientBuilder builder)
    {
        builder.Services.AddOptions<DurableTaskClientOptions>(builder.Name).Configure<IConfiguration>((options, configuration) => options.DefaultVersion = Resolve(configuration));
        return builder;
    }
}
