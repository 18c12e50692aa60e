using Coder.Functions.DependencyInjection;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Coder.Infra.Tests.Deployment;

/// <summary>
/// The Functions worker composed by the same method Program.cs calls (<see cref="CoderFunctionsApplication.Configure"/>),
/// with the deployed app settings as its environment: App Service hands app settings to the worker as environment
/// variables, which configuration reads with <c>__</c> as the section separator.
/// </summary>
public static class ComposedWorker
{
    public static IHost Build(IReadOnlyDictionary<string, string> environment)
    {
        // What the Functions host passes the worker process it starts, besides the app settings (its gRPC channel back);
        // nothing connects here: the test resolves services, it does not run the worker.
        // (--functions-uri and friends, which the worker maps to these keys).
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:65500/",
            ["Functions:Worker:WorkerId"] = "composition",
            ["Functions:Worker:RequestId"] = "composition",
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
        });
        builder.Configuration.AddInMemoryCollection(environment.Select(setting =>
            KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)));
        CoderFunctionsApplication.Configure(builder, name => environment.TryGetValue(name, out string? value) ? value : null);
        return builder.Build();
    }
}
