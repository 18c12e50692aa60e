using Coder.Orchestrations.Operations.Compute;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>The operation kernel: its store, the launcher, completion and hung-operation failing, the compute-spec builder, and the record-step and complete activities every orchestration shares.</summary>
    public static IServiceCollection AddCoderOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<OperationStore>();
        services.TryAddSingleton<OperationLauncher>();
        services.TryAddSingleton<OperationCompletion>();
        services.TryAddSingleton<HungOperations>();
        services.TryAddSingleton<OperationCancellation>();
        services.TryAddSingleton<RecordOperationStepActivity>();
        services.TryAddSingleton<CompleteOperationActivity>();
        services.AddCoderCompute();
        return services;
    }
}
