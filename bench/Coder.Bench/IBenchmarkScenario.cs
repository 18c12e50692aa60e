namespace Coder.Bench;

/// <summary>One end-to-end scenario. It measures its figure and its baseline in the same run and returns both.</summary>
public interface IBenchmarkScenario
{
    /// <summary>Short name used on the command line (<c>dotnet run -c Release --project bench/Coder.Bench -- NAME</c>).</summary>
    string Name { get; }

    Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
