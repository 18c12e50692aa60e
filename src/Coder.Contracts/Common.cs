namespace Coder.Contracts;

/// <summary>A page of items, with a continuation token when more remain.</summary>
public sealed record ItemsPage<T>(IReadOnlyList<T> Items, string? ContinuationToken = null);
