namespace Coder.Contracts.Templates;

/// <summary>
/// Rules a parameter's value must follow: <see cref="Min"/>/<see cref="Max"/> and <see cref="Monotonic"/>
/// (<c>increasing</c> or <c>decreasing</c>, across changes) for numbers, <see cref="Regex"/> for strings.
/// </summary>
public sealed record TemplateParameterValidation(double? Min = null, double? Max = null, string? Regex = null, string? Monotonic = null);
