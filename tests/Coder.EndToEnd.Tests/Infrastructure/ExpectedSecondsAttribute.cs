namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// About how long a test collection runs, in seconds on CI (2 cores, beside the other test projects): on a collection
/// definition, or on a test class that is a collection of its own. <see cref="LongestFirstCollectionOrderer"/> starts
/// the longest first. A rough figure is enough; collections without one start last.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ExpectedSecondsAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}
