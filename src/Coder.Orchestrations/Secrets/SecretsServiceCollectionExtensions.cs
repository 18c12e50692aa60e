using Azure.Core;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Users' secrets and dotfiles. Values rest in Key Vault when <c>Coder:Secrets:KeyVaultUri</c> is set (on Azure, through
    /// the managed identity), else sealed with a key in the data folder.
    /// </summary>
    public static IServiceCollection AddCoderSecrets(this IServiceCollection services)
    {
        services.TryBindOptions<SecretsOptions>(SecretsOptions.Section);
        services.TryBindOptions<LocalProvisionerOptions>(LocalProvisionerOptions.Section);
        services.TryAddSingleton<ISecretVault>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecretsOptions>>().Value;
            if (options.KeyVaultUri is { Length: > 0 } uri)
            {
                var vault = new Uri(uri.EndsWith('/') ? uri : uri + "/", UriKind.Absolute);
                return new KeyVaultSecretVault(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, sp.GetRequiredService<TokenCredential>(), vault);
            }

            string keyFile = options.KeyFile ?? Path.Combine(sp.GetRequiredService<IOptions<LocalProvisionerOptions>>().Value.DataDirectory, "secrets.key");
            return new LocalSecretVault(Path.GetFullPath(keyFile));
        });
        services.TryAddSingleton<OwnerConfigStamps>();
        services.TryAddSingleton<SecretStore>();
        services.TryAddSingleton<DotfilesStore>();
        return services;
    }
}
