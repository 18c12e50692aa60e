namespace Coder.Contracts.Templates;

public sealed record StartupScript(string? Name, string? Script, int? TimeoutSeconds, bool? BlocksReady);
