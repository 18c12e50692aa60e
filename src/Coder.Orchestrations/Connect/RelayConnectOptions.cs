namespace Coder.Orchestrations.Connect;

/// <summary>
/// The relay workspaces are reached through (section <c>Coder:Relay</c>; CODER_RELAY_URL, CODER_RELAY_KEY_NAME,
/// CODER_RELAY_KEY, CODER_RELAY_SEND_KEY_NAME, CODER_RELAY_SEND_KEY, CODER_RELAY_NAMESPACE_ID). The keys sign per-path
/// tokens; they are never handed out themselves. A token carries no rights of its own (the key's rule does), so users'
/// connect tokens are signed with a Send-only key when one is configured: holding one cannot make a listener.
/// </summary>
public sealed class RelayConnectOptions
{
    public const string Section = "Coder:Relay";

    /// <summary><c>ws://127.0.0.1:7072</c> locally, <c>wss://{namespace}.servicebus.windows.net</c> on Azure.</summary>
    public string? Url { get; set; }

    /// <summary>The name of the shared access rule the key belongs to (<c>coder-control-plane</c> on Azure).</summary>
    public string? KeyName { get; set; }

    public string? Key { get; set; }

    /// <summary>A Send-only rule's name and key for connect tokens; without them the main key signs those too.</summary>
    public string? SendKeyName { get; set; }

    public string? SendKey { get; set; }

    /// <summary>
    /// The Azure Relay namespace's ARM resource id (it sits in the control plane's resource group, not the workspaces'),
    /// for the calls that create and delete hybrid connections; empty locally, where the relay takes any path.
    /// </summary>
    public string? NamespaceId { get; set; }

    /// <summary>How long an agent's Listen token lasts; it asks again before expiry.</summary>
    public TimeSpan ListenTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a connect (Send) token lasts: only until the WebSocket upgrade.</summary>
    public TimeSpan ConnectTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxSessionsPerConnection { get; set; } = 32;

    public int MaxConnections { get; set; } = 16;

    public bool IsConfigured => Url is { Length: > 0 } && KeyName is { Length: > 0 } && Key is { Length: > 0 };

    public Uri RelayUri => new(Url ?? throw new InvalidOperationException("Coder:Relay:Url is not set."));
}
