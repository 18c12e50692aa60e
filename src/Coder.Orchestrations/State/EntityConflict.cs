using Azure;

namespace Coder.Orchestrations.State;

public static class EntityConflict
{
    /// <summary>True for an ETag mismatch (412) or an insert that found the row already there (409).</summary>
    public static bool IsConflict(this RequestFailedException e) => e.Status is 409 or 412;

    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;
}
