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
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(environment.Select(setting =>
            KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)));
        CoderFunctionsApplication.Configure(builder, name => environment.TryGetValue(name, out string? value) ? value : null);
        return builder.Build();
    }
}
