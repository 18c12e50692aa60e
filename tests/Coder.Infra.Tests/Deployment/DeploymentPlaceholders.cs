using System.Security.Cryptography;
using System.Text;

namespace Coder.Infra.Tests.Deployment;

/// <summary>
/// What ARM would resolve at deployment (a module output, a resource's runtime property, subscription()), as a
/// well-formed stand-in named after the expression: a GUID for ids of principals and clients (distinct per expression,
/// so the app's identity and the workspaces' never collide), service URLs in their real shape, names otherwise.
/// </summary>
public static class DeploymentPlaceholders
{
    public const string FunctionAppHostName = "func-placeholder.azurewebsites.net";

    public static string For(string expression)
    {
        string[] path = expression.Split('.');
        string name = path[^1] == "value" && path.Length > 1 ? path[^2] : path[^1];
        return name switch
        {
            "defaultHostName" => FunctionAppHostName,
            "blobEndpoint" => "https://stplaceholder.blob.core.windows.net/",
            "queueEndpoint" => "https://stplaceholder.queue.core.windows.net/",
            "tableEndpoint" => "https://stplaceholder.table.core.windows.net/",
            "fullyQualifiedNamespace" => "sb-placeholder.servicebus.windows.net",
            "relayUrl" => "wss://relay-placeholder.servicebus.windows.net",
            "vaultUri" => "https://kvu-placeholder.vault.azure.net/",
            "endpoint" => "https://evgt-placeholder.westeurope-1.eventgrid.azure.net/api/events",
            "connectionString" => $"InstrumentationKey={Guid(expression)};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
            "loginEndpoint" => "https://login.microsoftonline.com/",
            _ when name.EndsWith("ClientId", StringComparison.OrdinalIgnoreCase) || name.EndsWith("PrincipalId", StringComparison.OrdinalIgnoreCase)
                || name is "subscriptionId" or "tenantId" => Guid(expression).ToString(),
            _ when name.EndsWith("Id", StringComparison.Ordinal) || name == "id" =>
                $"/subscriptions/{Guid("subscription")}/resourceGroups/rg-placeholder/providers/Placeholder/{Hash(expression)}",
            _ => "placeholder" + Hash(expression),
        };
    }

    static Guid Guid(string expression) => new(MD5.HashData(Encoding.UTF8.GetBytes(expression)));

    static string Hash(string expression) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expression)))[..8];
}
