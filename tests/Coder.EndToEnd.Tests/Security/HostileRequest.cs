namespace Coder.EndToEnd.Tests.Security;

/// <summary>One generated request: the matrix route it aims at, and what is sent.</summary>
public sealed record HostileRequest(string Route, string Method, string Path, string? Body, IReadOnlyDictionary<string, string> Headers);
