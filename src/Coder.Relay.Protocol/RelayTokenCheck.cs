namespace Coder.Relay.Protocol;

/// <summary>The outcome of validating a token; everything but <see cref="Valid"/> refuses.</summary>
public enum RelayTokenCheck
{
    Valid,
    Malformed,
    UnknownKey,
    BadSignature,
    Expired,
    WrongResource,
}
