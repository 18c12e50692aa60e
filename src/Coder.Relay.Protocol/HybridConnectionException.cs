namespace Coder.Relay.Protocol;

/// <summary>The relay refused a connection; <see cref="StatusCode"/> is the HTTP status of the refused WebSocket upgrade.</summary>
public sealed class HybridConnectionException : Exception
{
    public HybridConnectionException() { }

    public HybridConnectionException(string message) : base(message) { }

    public HybridConnectionException(string message, Exception innerException) : base(message, innerException) { }

    public HybridConnectionException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    public int StatusCode { get; }
}
