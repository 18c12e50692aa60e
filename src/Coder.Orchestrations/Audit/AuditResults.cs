namespace Coder.Orchestrations.Audit;

/// <summary>The result words audit rows use.</summary>
public static class AuditResults
{
    public const string Succeeded = "succeeded";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    /// <summary>2xx/3xx succeeded, 4xx rejected (the caller's fault, nothing changed), 5xx failed.</summary>
    public static string ForStatus(int status) => status >= 500 ? Failed : status >= 400 ? Rejected : Succeeded;
}
