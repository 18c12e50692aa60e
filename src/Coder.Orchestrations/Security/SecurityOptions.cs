namespace Coder.Orchestrations.Security;

public sealed class SecurityOptions
{
    public const string Section = "Coder:Security";

    /// <summary>The bootstrap admin token (CODER_ADMIN_TOKEN). Stored hashed at startup; never logged.</summary>
    public string? AdminToken { get; set; }

    public string AdminUser { get; set; } = "admin";
}
