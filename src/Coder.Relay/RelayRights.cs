namespace Coder.Relay;

/// <summary>The Service Bus rights a key grants: listen on a path, or send (connect) to it.</summary>
[Flags]
public enum RelayRights
{
    None = 0,
    Listen = 1,
    Send = 2,
}
