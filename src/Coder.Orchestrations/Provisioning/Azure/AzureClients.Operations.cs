using Azure.ResourceManager;

namespace Coder.Orchestrations.Provisioning.Azure;

public sealed partial class AzureClients
{
    /// <summary>
    /// Runs an ARM long-running operation through the SDK's own LRO support (Azure-AsyncOperation / Location,
    /// Retry-After), polling at <see cref="AzureProvisioningOptions.PollInterval"/> unless ARM asks for longer, and
    /// failing after <see cref="AzureProvisioningOptions.OperationTimeout"/>.
    /// </summary>
    public async Task<T> CompleteAsync<T>(Func<CancellationToken, Task<ArmOperation<T>>> start, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Options.OperationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var operation = await start(linked.Token).ConfigureAwait(false);
            return (await operation.WaitForCompletionAsync(Options.PollInterval, linked.Token).ConfigureAwait(false)).Value;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"An ARM operation did not finish within {Options.OperationTimeout}.");
        }
    }

    /// <inheritdoc cref="CompleteAsync{T}"/>
    public async Task CompleteAsync(Func<CancellationToken, Task<ArmOperation>> start, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Options.OperationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var operation = await start(linked.Token).ConfigureAwait(false);
            await operation.WaitForCompletionResponseAsync(Options.PollInterval, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"An ARM operation did not finish within {Options.OperationTimeout}.");
        }
    }
}
