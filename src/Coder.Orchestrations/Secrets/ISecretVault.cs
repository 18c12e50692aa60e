namespace Coder.Orchestrations.Secrets;

/// <summary>
/// Where secret values rest: sealed into the row (locally, a key in the data folder) or in Key Vault (on Azure). The
/// Secrets table keeps the names and what <see cref="SealAsync"/> returned; only the manifest of the owner's workspace
/// opens them again.
/// </summary>
public interface ISecretVault
{
    /// <summary>What the row stores for this value (a ciphertext, or the name of the vault's secret).</summary>
    Task<string> SealAsync(string owner, string name, string value, CancellationToken cancellationToken);

    /// <summary>The value <paramref name="sealedValue"/> stands for, bound to its owner and name.</summary>
    Task<string> OpenAsync(string owner, string name, string sealedValue, CancellationToken cancellationToken);

    /// <summary>Drops what <see cref="SealAsync"/> stored outside the row; forgetting twice is forgetting once.</summary>
    Task ForgetAsync(string sealedValue, CancellationToken cancellationToken);
}
