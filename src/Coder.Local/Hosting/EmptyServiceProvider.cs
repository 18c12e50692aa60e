namespace Coder.Local.Hosting;

/// <summary>Resolves nothing: what orchestrator code gets, so it cannot reach I/O through services.</summary>
public sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
