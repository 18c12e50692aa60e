namespace Coder.Orchestrations.Secrets;

public sealed class SecretsOptions
{
    public const string Section = "Coder:Secrets";

    /// <summary>Key Vault for users' secret values (CODER_SECRETS_KEYVAULT_URI; the Bicep sets it). Unset: sealed locally.</summary>
    public string? KeyVaultUri { get; set; }

    /// <summary>The local key (32 random bytes, base64, mode 0600); default <c>&lt;data dir&gt;/secrets.key</c>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>How many secrets one user may hold.</summary>
    public int MaxPerUser { get; set; } = 100;
}
