namespace Coder.Agent.ControlPlane;

/// <summary>
/// The agent's token, shared by every client that speaks to the control plane. A claimed warm-pool member is handed a
/// new one in a manifest answer (<c>token</c>); from then on every call (manifest, events, relay, SSH keys) uses it,
/// because the old one is revoked. <paramref name="rotated"/> keeps it (<see cref="RotatedTokenFile"/>).
/// </summary>
public sealed class AgentCredential(string token, Action<string>? rotated = null)
{
    volatile string _token = token;

    public string Token => _token;

    public void Rotate(string token)
    {
        // Kept before it is used: the old token is revoked already, so an agent restarted after this needs the new one.
        rotated?.Invoke(token);
        _token = token;
    }

    public static implicit operator AgentCredential(string token) => new(token);
}
