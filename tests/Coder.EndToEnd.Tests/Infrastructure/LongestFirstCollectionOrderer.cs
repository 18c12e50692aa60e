using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Coder.EndToEnd.Tests.Infrastructure.LongestFirstCollectionOrderer", "Coder.EndToEnd.Tests")]

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Starts the longest collections first. xunit runs at most maxParallelThreads collections at a time and starts the next
/// one in this order as one ends (its conservative algorithm), so with its default order (by hashed id) a 6-minute
/// collection could start halfway through the run and alone set the wall time; longest first, the four slots end close
/// together. Collections that must run alone (<c>DisableParallelization</c>) still run after all of these.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    const string ImplicitCollectionPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(ExpectedSeconds).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    static int ExpectedSeconds(ITestCollection collection)
    {
        // A class without [Collection] is a collection of its own, named after the class.
        var type = collection.CollectionDefinition
            ?? (collection.DisplayName.StartsWith(ImplicitCollectionPrefix, StringComparison.Ordinal)
                ? collection.TestAssembly.Assembly.GetType(collection.DisplayName[ImplicitCollectionPrefix.Length..])
                : null);
        var attribute = type?.GetCustomAttributes(typeof(ExpectedSecondsAttribute).AssemblyQualifiedName).FirstOrDefault();
        return attribute?.GetConstructorArguments().FirstOrDefault() as int? ?? 0;
    }
}
