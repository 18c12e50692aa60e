namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>What one <see cref="ArmRequests"/> call adds to the plain request.</summary>
public sealed record ArmRequestOptions
{
    public static ArmRequestOptions None { get; } = new();

    /// <summary>One extra query parameter, <c>name=value</c> (e.g. <c>$expand=snapshots</c>).</summary>
    public string? Query { get; init; }

    /// <summary>A 404 answer is null rather than an error.</summary>
    public bool AllowNotFound { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
