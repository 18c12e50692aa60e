namespace Coder.Contracts.Agents;

/// <summary>
/// A <c>custom</c> event: <see cref="Kind"/> says what it is (<see cref="CustomEventKinds"/>), <see cref="Source"/> names the
/// plugin or component, and the dictionaries carry its data.
/// </summary>
public sealed record CustomPayload(
    string Kind,
    string? Source = null,
    string? Message = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    IReadOnlyDictionary<string, double>? Values = null);
