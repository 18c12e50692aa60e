namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// A row of the auth matrix's route list. <paramref name="Path"/> may hold {workspace} (alice's "dev"),
/// {operation} (its provision operation) and {template}. <paramref name="Route"/> is the function's route as declared,
/// which the coverage test compares with the functions that exist.
/// </summary>
public sealed record MatrixRoute(string Name, string Method, string Route, string Path, string? Body = null);
