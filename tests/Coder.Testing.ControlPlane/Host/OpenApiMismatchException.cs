namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>An API response that the OpenAPI document does not describe.</summary>
public sealed class OpenApiMismatchException(string message) : Exception(message);
