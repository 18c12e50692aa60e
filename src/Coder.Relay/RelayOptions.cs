namespace Coder.Relay;

/// <summary>The relay's settings (section <c>Relay</c>).</summary>
public sealed class RelayOptions
{
    public const string Section = "Relay";

    /// <summary>The JSON key file (mode 0600): <c>{"keys":[{"name":..,"key":..,"rights":["Listen","Send"]}]}</c>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>How long a sender's connect waits for the listener to open the rendezvous (the service's ~30 s).</summary>
    public TimeSpan PendingConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Listeners per hybrid connection path; Azure Relay allows 25. Senders are spread round-robin over them.</summary>
    public int MaxListenersPerPath { get; set; } = 25;
}
